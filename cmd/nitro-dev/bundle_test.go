package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxGzip is the budget of the client bundle, gzipped at the best level.
const maxGzip = 8 << 10

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestClientBundle checks that the committed static/n2o.min.js is what
// bundling static/n2o.js gives now, and that it fits the size budget.
func TestClientBundle(t *testing.T) {
	src := filepath.Join("..", "..", "static", "n2o.js")
	got, err := bundle(mustRead(t, src), src)
	if err != nil {
		t.Fatal(err)
	}
	committed := mustRead(t, filepath.Join("..", "..", "static", "n2o.min.js"))
	if !bytes.Equal(got, committed) {
		t.Errorf("static/n2o.min.js is stale (%d bytes, bundling static/n2o.js gives %d): run go generate ./static", len(committed), len(got))
	}
	size := gzipSize(got)
	t.Logf("n2o.min.js: %d bytes, %d gzipped (budget %d)", len(got), size, maxGzip)
	if size > maxGzip {
		t.Errorf("n2o.min.js is %d bytes gzipped, over the budget of %d", size, maxGzip)
	}
}

func TestBundleErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", "function (", "Expected"},
		{"warning", "var x = 1; x == -0;", "-0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bundle([]byte(tt.src), "bad.js")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("bundle(%q): error %v, want one containing %q", tt.src, err, tt.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.js")
	out := filepath.Join(dir, "out.min.js")
	if err := os.WriteFile(in, []byte("(function (w) { var longName = 1; w.g = longName + 1; })(window);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
		stderr  string
	}{
		{"bundle", []string{"bundle", "-o", out, in}, "", "out.min.js:"},
		{"no command", nil, "no command", "usage: nitro-dev"},
		{"help", []string{"help"}, "", "bundle [-o out.min.js] in.js"},
		{"unknown", []string{"serve"}, `unknown command "serve"`, "usage: nitro-dev"},
		{"no input", []string{"bundle"}, "want one input file", "usage: nitro-dev bundle"},
		{"missing input", []string{"bundle", filepath.Join(dir, "none.js")}, "none.js", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			err := run(tt.args, &stderr)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("run(%q): error %v, want %q", tt.args, err, tt.wantErr)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("run(%q): stderr %q, want it to contain %q", tt.args, stderr.String(), tt.stderr)
			}
		})
	}
	// Locals are renamed; properties of window (the globals) are not.
	got := string(mustRead(t, out))
	if strings.Contains(got, "longName") || !strings.Contains(got, ".g=") || strings.Count(got, "\n") != 1 {
		t.Errorf("bundled %q, want it minified with the property g kept", got)
	}
}
