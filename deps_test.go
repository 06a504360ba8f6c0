// Package deps_test states what each package of the module MAY import (STYLE.md,
// "The house"), as an allowlist in the spirit of Go's own go/build/deps_test.go:
// a new package fails this test until it is added here deliberately, so the
// rules cannot rot.
package deps_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/nitrogo/framework"

// Names in the tables below: "std" is the whole standard library (a path whose
// first element has no dot); a name with a dot in its first element is a
// third-party module, matched by prefix; any other name is a package of this
// module, by its path under the module root ("." is the root itself).
const (
	templ    = "github.com/a-h/templ"
	chi      = "github.com/go-chi/chi/v5"
	gorilla  = "github.com/gorilla/websocket"
	esbuild  = "github.com/evanw/esbuild"
	fsnotify = "github.com/fsnotify/fsnotify"
	nats     = "github.com/nats-io/nats.go"
	natsd    = "github.com/nats-io/nats-server/v2"
	bbolt    = "go.etcd.io/bbolt"
	chromedp = "github.com/chromedp/chromedp"
	cdproto  = "github.com/chromedp/cdproto"
	xtime    = "golang.org/x/time"
	prom     = "github.com/prometheus/client_golang"
)

// framework: the packages an app (a sample, the benchmark) may build on.
var framework = []string{"nitro/bert", "nitro", "nitro/ws", "nitro/ftp", "nitro/proc", "nitro/format", "nitro/logs", "nitro/keys", "nitro/limit",
	"nitro/tcp", "nitro/mqtt", "nitro/kvs", "nitro/natsbus", "nitro/metrics", "nitro/health", "actions", "elements", "pages", "static", "assets"}

// allowed is the dependency policy: each package and everything its non-test
// files may import directly. A package that is listed but missing is not
// written yet; a package that exists but is not listed fails the test.
var allowed = map[string][]string{
	"nitro/bert": {"std"},
	"nitro":      {"std", "nitro/bert"},

	"nitro/ws":      {"std", "nitro", "nitro/bert", gorilla},
	"nitro/ftp":     {"std", "nitro", "nitro/bert", "nitro/limit", xtime},
	"nitro/proc":    {"std", "nitro", "nitro/bert"},
	"nitro/format":  {"std", "nitro", "nitro/bert"},
	"nitro/logs":    {"std"},
	"nitro/keys":    {"std", "nitro"},
	"nitro/limit":   {"std", xtime},
	"nitro/tcp":     {"std", "nitro", "nitro/bert"},
	"nitro/mqtt":    {"std", "nitro", "nitro/bert", nats},
	"nitro/kvs":     {"std", "nitro", "nitro/bert", nats},
	"nitro/natsbus": {"std", "nitro", "nitro/bert", nats},
	"nitro/metrics": {"std", "nitro", prom}, // the Prometheus client: the issue names it, and Prometheus maintains it
	"nitro/health":  {"std"},

	"actions":  {"std", "nitro", "nitro/bert", templ}, // Update, InsertTop... take a templ.Component
	"elements": {"std", "nitro", "nitro/bert", "actions", templ},
	"pages":    {"std", "nitro", "nitro/bert", "actions", "elements", templ, chi, "static", "nitro/ws", "nitro/ftp"},

	"static":               {"std", "assets"}, // serves its bundle as assets serves an app's
	"assets":               {"std"},
	"livereload":           {"std"},
	"cmd/nitro-dev":        {"std", "livereload", esbuild, fsnotify},
	"cmd/nitro":            {"std"}, // writes apps from embedded templates; runs go mod tidy
	"cmd/nitro-bench":      with(framework, "std", gorilla, templ, chi),
	"samples/login":        with(framework, "std", templ, chi),
	"samples/chat":         with(framework, "std", templ, chi, bbolt, xtime, prom, "samples/login"), // prom: the store's fsync histogram
	"samples/linedancer":   with(framework, "std"),
	"nitro/nitrotest":      {"std", "nitro", "nitro/bert", "nitro/ws", gorilla},
	"internal/browsertest": {"std", chromedp, cdproto},
	"internal/testlog":     {"std"},
	".":                    {}, // this file: test imports only
}

// testAllowed: what a package's tests (in-package and external) may import
// besides what the package itself may, and the package itself.
var testAllowed = map[string][]string{
	".":             {"std"},
	"nitro":         {"nitro/nitrotest", "nitro/ws", "nitro/format", "nitro/keys", "internal/testlog", gorilla, "actions"}, // examples show nitro with actions
	"nitro/ws":      {"nitro/nitrotest", "nitro/keys", "internal/testlog"},
	"nitro/ftp":     {"nitro/nitrotest", "internal/testlog"},
	"nitro/proc":    {"nitro/nitrotest", "internal/testlog"},
	"nitro/format":  {"nitro/nitrotest"},
	"nitro/logs":    {"internal/testlog"},
	"nitro/keys":    {},
	"nitro/limit":   {},
	"nitro/tcp":     {"nitro/nitrotest", "nitro/keys"},
	"nitro/mqtt":    {"nitro/nitrotest", natsd},
	"nitro/kvs":     {"nitro/nitrotest", natsd},
	"nitro/natsbus": {"nitro/nitrotest", "nitro/ws", "nitro/keys", natsd},
	"nitro/metrics": {"nitro/nitrotest", "nitro/bert", "nitro/keys"},
	"nitro/health":  {},
	"actions":       {"nitro/nitrotest", "nitro/keys"},
	"elements":      {"nitro/nitrotest", "pages", "internal/browsertest", chromedp, cdproto}, // the Enter test drives a page in Chromium
	"pages":         {"nitro/nitrotest", "nitro/keys", "nitro/format", "internal/browsertest", chromedp, cdproto},
	"static":        {"nitro/bert"}, // testdata/bert_vectors.json is regenerated from nitro/bert
	"cmd/nitro-dev": {"internal/browsertest", chromedp},
	"cmd/nitro":     {"internal/browsertest"}, // the end-to-end test runs the app's browser test where Chromium is
	"samples/chat":  {"nitro/nitrotest", "internal/browsertest", chromedp, cdproto, gorilla},
}

// Reach rules, over everything a package links (go list's Deps), not just
// what it names: a prefix and the only packages that may reach it.
var reachOnly = []struct {
	prefix string
	only   []string
}{
	{"github.com/nats-io/", []string{"nitro/natsbus", "nitro/kvs", "nitro/mqtt"}},
	{"github.com/prometheus/", []string{"nitro/metrics", "samples/chat"}}, // only an app that mounts metrics links the client
	{esbuild, []string{"cmd/nitro-dev"}},
	{module + "/cmd/", nil},
	{module + "/samples/", []string{"samples/chat"}},
}

// neverReach: what a package must not link however indirectly.
var neverReach = map[string][]string{
	"nitro/bert": {"github.com/", "golang.org/x/", module + "/"},
	"nitro":      {gorilla, chi, templ, esbuild, prom, module + "/actions", module + "/elements", module + "/pages"},
	"livereload": {module + "/"},
}

func with(base []string, more ...string) []string { return append(slices.Clone(base), more...) }

// first returns the first of deps with the given prefix.
func first(deps []string, prefix string) (string, bool) {
	i := slices.IndexFunc(deps, func(d string) bool { return strings.HasPrefix(d, prefix) })
	if i < 0 {
		return "", false
	}
	return deps[i], true
}

type pkg struct {
	ImportPath                         string
	Imports, TestImports, XTestImports []string
	Deps                               []string
}

// rules returns allowed, and what each package's
// tests may import: the same, the package itself, and testAllowed.
func rules() (imports, tests map[string][]string) {
	imports, tests = map[string][]string{}, map[string][]string{}
	for name, allow := range allowed {
		imports[name] = allow
		tests[name] = with(with(imports[name], testAllowed[name]...), name)
	}
	return imports, tests
}

// class names an import path the way the tables do.
func class(path string) string {
	switch {
	case path == module:
		return "."
	case strings.HasPrefix(path, module+"/"):
		return strings.TrimPrefix(path, module+"/")
	case !strings.Contains(strings.Split(path, "/")[0], "."):
		return "std"
	}
	return path
}

func permits(allow []string, path string) bool {
	c := class(path)
	for _, a := range allow {
		if a == c || strings.Contains(strings.Split(a, "/")[0], ".") && strings.HasPrefix(c, a+"/") {
			return true
		}
	}
	return false
}

func TestDependencyRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports,Deps", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	imports, tests := rules()
	var names []string
	pkgs := map[string]pkg{}
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[class(p.ImportPath)] = p
		names = append(names, class(p.ImportPath))
	}
	if _, ok := pkgs["nitro/bert"]; !ok {
		t.Fatalf("go list found no nitro/bert among %d packages", len(pkgs))
	}
	sort.Strings(names)

	// The tables name only packages they have rules for.
	for name := range testAllowed {
		if _, ok := allowed[name]; !ok {
			t.Errorf("testAllowed names %s, which allowed does not", name)
		}
	}
	for name, allow := range tests {
		for _, a := range allow {
			if a != "std" && !strings.Contains(strings.Split(a, "/")[0], ".") {
				if _, ok := imports[a]; !ok {
					t.Errorf("the rules for %s name %s, which has no rule of its own", name, a)
				}
			}
		}
	}

	for _, name := range names {
		p := pkgs[name]
		allow, ok := imports[name]
		if !ok {
			t.Errorf("%s has no dependency rule: add it to deps_test.go deliberately", name)
			continue
		}
		for _, imp := range p.Imports {
			if !permits(allow, imp) {
				t.Errorf("%s imports %s, which its rule in deps_test.go does not allow", name, imp)
			}
		}
		for _, imp := range with(p.TestImports, p.XTestImports...) {
			if !permits(tests[name], imp) {
				t.Errorf("%s's tests import %s, which deps_test.go does not allow", name, imp)
			}
		}
		// One error per broken reach rule, naming the first offending link.
		for _, r := range reachOnly {
			if dep, ok := first(p.Deps, r.prefix); ok && !slices.Contains(r.only, name) {
				t.Errorf("%s links %s: only %v may", name, dep, r.only)
			}
		}
		for _, ban := range neverReach[name] {
			if dep, ok := first(p.Deps, ban); ok {
				t.Errorf("%s links %s, however indirectly: it must not", name, dep)
			}
		}
	}
}
