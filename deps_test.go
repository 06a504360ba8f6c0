// Package deps_test states the project's dependency rules (STYLE.md) as a
// test, in the spirit of Go's own go/build/deps_test.go, so they cannot rot.
package deps_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/nitrogo/framework"

type pkg struct {
	ImportPath string
	Deps       []string
}

// rules: a package (by path under the module) and the prefixes of import
// paths that it, or anything it imports, must not reach.
var rules = []struct {
	pkg    string
	banned []string
}{
	{"nitro/bert", []string{"github.com/", "golang.org/x/", module + "/"}},
	{"nitro", []string{"github.com/go-chi/", "github.com/a-h/templ", "github.com/evanw/esbuild",
		module + "/actions", module + "/elements", module + "/pages", module + "/samples", module + "/livereload", module + "/cmd"}},
	{"actions", []string{module + "/elements", module + "/pages", module + "/samples", module + "/cmd"}},
	{"elements", []string{module + "/pages", module + "/samples", module + "/cmd"}},
	{"pages", []string{module + "/samples", module + "/cmd", "github.com/evanw/esbuild"}},
	{"livereload", []string{module + "/nitro", module + "/actions", module + "/elements", module + "/pages", module + "/samples"}},
	{"cmd/nitro-dev", []string{module + "/nitro", module + "/actions", module + "/elements", module + "/pages", module + "/samples"}},
}

func TestDependencyRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps=false", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = p
	}
	if _, ok := pkgs["nitro/bert"]; !ok {
		t.Fatalf("go list found no nitro/bert among %d packages", len(pkgs))
	}
	for _, r := range rules {
		p, ok := pkgs[r.pkg]
		if !ok {
			continue // not written yet
		}
		for _, dep := range p.Deps {
			for _, ban := range r.banned {
				if strings.HasPrefix(dep, ban) {
					t.Errorf("%s reaches %s, which the dependency rules forbid", r.pkg, dep)
				}
			}
		}
	}
	// Nothing imports a command, nothing but a sample imports a sample,
	// only cmd/nitro-dev links esbuild, and only nitro/natsbus NATS (the
	// server itself only in its tests).
	for path, p := range pkgs {
		for _, dep := range p.Deps {
			if strings.HasPrefix(dep, module+"/cmd/") && !strings.HasPrefix(module+"/"+path, dep) {
				t.Errorf("%s imports %s: commands are leaves", path, dep)
			}
			if strings.HasPrefix(dep, module+"/samples/") && !strings.HasPrefix(path, "samples/") {
				t.Errorf("%s imports %s: samples are leaves", path, dep)
			}
			if strings.HasPrefix(dep, "github.com/evanw/esbuild") && !strings.HasPrefix(path, "cmd/nitro-dev") {
				t.Errorf("%s links esbuild: only cmd/nitro-dev may", path)
			}
			if strings.HasPrefix(dep, "github.com/nats-io/") && path != "nitro/natsbus" {
				t.Errorf("%s links %s: NATS is an adapter's, only nitro/natsbus may", path, dep)
			}
		}
	}
}
