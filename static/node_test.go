package static

import (
	"os"
	"os/exec"
	"testing"
)

// TestNode runs the JavaScript tests of n2o.js and n2o.min.js
// (n2o_test.mjs) with Node's test runner. Without node it skips, except
// under CI=true, where it fails.
func TestNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		msg := "node not found: install Node.js 20 or later (apt-get install nodejs) to run the JavaScript tests of n2o.js"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command(node, "--test", "--test-reporter=dot", "n2o_test.mjs")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test n2o_test.mjs: %v\n%s", err, out)
	}
	t.Logf("node --test n2o_test.mjs:\n%s", out)
}
