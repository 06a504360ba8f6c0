package main

import (
	"bytes"
	"errors"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// appFileList is what nitro new writes, besides go.sum (go mod tidy's).
var appFileList = []string{
	".gitignore",
	"README.md",
	"browser_test.go",
	"go.mod",
	"guestbook.go",
	"guestbook_test.go",
	"layout.templ",
	"layout_templ.go",
	"main.go",
	"static/style.css",
}

// mustCheckout makes a directory that looks like a checkout of Nitro to
// nitro new: a go.mod of Nitro's module.
func mustCheckout(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	mustWrite(tb, filepath.Join(dir, "go.mod"), "module "+frameworkPath+"\n\ngo "+goVersion+"\n")
	return dir
}

func mustWrite(tb testing.TB, name, text string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func mustRead(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestAppName(t *testing.T) {
	tests := []struct{ module, want string }{
		{"hello", "hello"},
		{"example.com/hello", "hello"},
		{"github.com/me/my-app", "my-app"},
		{"example.com/hello/v2", "hello"},
		{"example.com/hello/v10", "hello"},
		{"example.com/hello/v1", "v1"},   // not a major version suffix
		{"example.com/hello/v02", "v02"}, // nor this
		{"v2", "v2"},
	}
	for _, tt := range tests {
		if got := appName(tt.module); got != tt.want {
			t.Errorf("appName(%q) = %q, want %q", tt.module, got, tt.want)
		}
	}
}

func TestCheckModulePath(t *testing.T) {
	tests := []struct {
		module string
		why    string // in the error; "" for a valid path
	}{
		{"hello", ""},
		{"my-app", ""},
		{"example.com/hello", ""},
		{"example.com/hello/v2", ""},
		{"github.com/Me/a_b~c.d", ""},
		{"main", ""},
		{"", "empty"},
		{"-hello", "dash"},
		{"/hello", "empty element"},
		{"hello/", "empty element"},
		{"example.com//hello", "empty element"},
		{".hello", "begins with a dot"},
		{"example.com/../hello", "begins with a dot"},
		{"hello.", "ends with a dot"},
		{"hello world", `' ' is not allowed`},
		{"héllo", `'é' is not allowed`},
		{`example.com\hello`, `'\\' is not allowed`},
		{"std", "pattern"},
		{"all", "pattern"},
		{"fmt", "standard library"},
		{"net/http", "standard library"},
	}
	for _, tt := range tests {
		err := checkModulePath(tt.module)
		switch {
		case tt.why == "" && err != nil:
			t.Errorf("checkModulePath(%q): %v", tt.module, err)
		case tt.why != "" && err == nil:
			t.Errorf("checkModulePath(%q) accepted it, want an error saying %q", tt.module, tt.why)
		case tt.why != "" && (!strings.Contains(err.Error(), tt.why) || !strings.Contains(err.Error(), "give a path such as")):
			t.Errorf("checkModulePath(%q) = %q, want it to say %q and what to do", tt.module, err, tt.why)
		}
	}
}

// TestNewFiles writes an app and reads it back: every file, valid Go
// formatted as gofmt would, naming the module and the app.
func TestNewFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hello")
	app, err := newApp(newOptions{Module: "example.com/hello", Dir: dir, Replace: mustCheckout(t)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(app.files, appFileList) {
		t.Errorf("wrote %q, want %q", app.files, appFileList)
	}
	for _, name := range appFileList {
		text := mustRead(t, filepath.Join(dir, filepath.FromSlash(name)))
		if strings.Contains(text, "{{") || strings.Contains(text, "<no value>") {
			t.Errorf("%s holds template text:\n%s", name, text)
		}
		if strings.HasSuffix(name, ".go") {
			formatted, err := format.Source([]byte(text))
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if !bytes.Equal(formatted, []byte(text)) {
				t.Errorf("%s is not gofmt-formatted", name)
			}
		}
	}
	for name, want := range map[string][]string{
		"go.mod":          {"module example.com/hello\n", "\ngo " + goVersion + "\n", "tool " + frameworkPath + "/cmd/nitro-dev\n"},
		"main.go":         {"// Command hello is", `const appName = "hello"`, "os.Getenv(\"ADDR\")"},
		"README.md":       {"# hello\n", "    go run .\n", "    go test ./...\n", "apt-get install -y chromium", "templ@" + templVersion},
		"layout_templ.go": {"// templ: version: " + templVersion + "\n"},
	} {
		text := mustRead(t, filepath.Join(dir, name))
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s has no %q:\n%s", name, w, text)
			}
		}
	}
}

// TestNewGoMod checks which Nitro the app's go.mod requires: a checkout
// named or found above the app (replaced), else a version, else none
// (go mod tidy's latest).
func TestNewGoMod(t *testing.T) {
	checkout := mustCheckout(t)
	tests := []struct {
		name        string
		dir         string // under checkout, or "" for a temporary directory
		replace     bool   // -replace checkout
		version     string // -version
		require     string // the line requiring Nitro, or "" for none
		replaceLine string // the replace line, or "" for none
	}{
		{name: "replace flag", replace: true, version: "v1.2.3",
			require: "\t" + frameworkPath + " " + replacedVersion + "\n", replaceLine: "replace " + frameworkPath + " => "},
		{name: "inside a checkout", dir: "apps/hello", version: "v1.2.3",
			require: "\t" + frameworkPath + " " + replacedVersion + "\n", replaceLine: "replace " + frameworkPath + " => ../..\n"},
		{name: "version", version: "v1.2.3", require: "\t" + frameworkPath + " v1.2.3\n"},
		{name: "no version", version: ""},
		{name: "latest", version: "latest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "hello")
			if tt.dir != "" {
				dir = filepath.Join(checkout, filepath.FromSlash(tt.dir))
			}
			o := newOptions{Module: "hello", Dir: dir, Version: tt.version}
			if tt.replace {
				o.Replace = checkout
			}
			if _, err := newApp(o); err != nil {
				t.Fatal(err)
			}
			gomod := mustRead(t, filepath.Join(dir, "go.mod"))
			if got := strings.Contains(gomod, "\t"+frameworkPath+" "); got != (tt.require != "") || tt.require != "" && !strings.Contains(gomod, tt.require) {
				t.Errorf("go.mod:\n%s\nwant Nitro required as %q", gomod, tt.require)
			}
			if got := strings.Contains(gomod, "\nreplace "); got != (tt.replaceLine != "") || tt.replaceLine != "" && !strings.Contains(gomod, tt.replaceLine) {
				t.Errorf("go.mod:\n%s\nwant replace line %q", gomod, tt.replaceLine)
			}
			if tt.replace {
				// The relative path leads from the app to the checkout.
				_, to, _ := strings.Cut(gomod, " => ")
				to = strings.TrimSpace(to)
				if !strings.HasPrefix(to, "../") || !sameDir(t, filepath.Join(dir, filepath.FromSlash(to)), checkout) {
					t.Errorf("replace => %s does not lead from %s to %s", to, dir, checkout)
				}
			}
		})
	}
}

func sameDir(tb testing.TB, a, b string) bool {
	tb.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}

func TestReplacePath(t *testing.T) {
	tests := []struct{ dir, checkout, want string }{
		{"/src/nitro/apps/hello", "/src/nitro", "../.."},
		{"/home/me/hello", "/src/nitro", "../../../src/nitro"},
		{"/home/me/hello", "/src/my nitro", `"../../../src/my nitro"`},
	}
	for _, tt := range tests {
		if got := replacePath(filepath.FromSlash(tt.dir), filepath.FromSlash(tt.checkout)); got != tt.want {
			t.Errorf("replacePath(%q, %q) = %s, want %s", tt.dir, tt.checkout, got, tt.want)
		}
	}
}

// TestNewRefuses: nitro new writes nothing over what is there, nor for a
// module path go would refuse, and says what to do instead.
func TestNewRefuses(t *testing.T) {
	tmp := t.TempDir()
	mustWrite(t, filepath.Join(tmp, "full", "notes.txt"), "mine")
	mustWrite(t, filepath.Join(tmp, "file"), "mine")
	notNitro := filepath.Join(tmp, "other")
	mustWrite(t, filepath.Join(notNitro, "go.mod"), "module example.com/other\n")
	tests := []struct {
		name string
		o    newOptions
		want string
	}{
		{"non-empty dir", newOptions{Module: "hello", Dir: filepath.Join(tmp, "full")}, "exists and is not empty: give the app a new directory"},
		{"a file", newOptions{Module: "hello", Dir: filepath.Join(tmp, "file")}, "is a file: give the app a new directory"},
		{"invalid module", newOptions{Module: "Hello World", Dir: filepath.Join(tmp, "new1")}, "is not allowed"},
		{"replace not Nitro", newOptions{Module: "hello", Dir: filepath.Join(tmp, "new2"), Replace: notNitro}, "want a checkout of Nitro"},
		{"replace missing", newOptions{Module: "hello", Dir: filepath.Join(tmp, "new3"), Replace: filepath.Join(tmp, "nowhere")}, "want a checkout of Nitro"},
		{"bad version", newOptions{Module: "hello", Dir: filepath.Join(tmp, "new4"), Version: "v1 x"}, "want a version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newApp(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("newApp(%+v) = %v, want an error saying %q", tt.o, err, tt.want)
			}
		})
	}
	// What was there is untouched, and nothing else was made.
	if got := mustRead(t, filepath.Join(tmp, "full", "notes.txt")); got != "mine" {
		t.Errorf("full/notes.txt holds %q", got)
	}
	if got := mustRead(t, filepath.Join(tmp, "file")); got != "mine" {
		t.Errorf("file holds %q", got)
	}
	entries, _ := os.ReadDir(filepath.Join(tmp, "full"))
	if len(entries) != 1 {
		t.Errorf("full/ holds %d entries, want its one file", len(entries))
	}
	for _, d := range []string{"new1", "new2", "new3", "new4"} {
		if _, err := os.Stat(filepath.Join(tmp, d)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was made (%v)", d, err)
		}
	}
}

// TestWriteAllOrNothing: a directory write made is gone if it fails
// midway; one that was there stays.
func TestWriteAllOrNothing(t *testing.T) {
	files := map[string][]byte{"a": []byte("file"), "a/b": []byte("a file under a file")}
	for _, fresh := range []bool{true, false} {
		dir := filepath.Join(t.TempDir(), "app")
		if !fresh {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := write(dir, fresh, files); err == nil {
			t.Fatalf("write(fresh=%v) wrote a file under a file", fresh)
		}
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) == !fresh {
			t.Errorf("write(fresh=%v) failed; then the directory: %v", fresh, err)
		}
	}
}

func TestNewIntoEmptyDir(t *testing.T) {
	dir := t.TempDir()
	if _, err := newApp(newOptions{Module: "hello", Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Error(err)
	}
}

// TestDefaultDir: without a DIR the app goes in the module's last
// element, under the working directory.
func TestDefaultDir(t *testing.T) {
	t.Chdir(t.TempDir())
	app, err := newApp(newOptions{Module: "example.com/hello/v2"})
	if err != nil {
		t.Fatal(err)
	}
	if app.dir != "hello" {
		t.Errorf("the app went to %q, want hello", app.dir)
	}
	if _, err := os.Stat(filepath.Join("hello", "go.mod")); err != nil {
		t.Error(err)
	}
}

// TestPinnedVersions holds what the app's go.mod and layout_templ.go name
// to Nitro's own go.mod.
func TestPinnedVersions(t *testing.T) {
	gomod := mustRead(t, filepath.Join("..", "..", "go.mod"))
	if got := modulePath(filepath.Join("..", "..", "go.mod")); got != frameworkPath {
		t.Errorf("frameworkPath is %s, Nitro's go.mod says %s", frameworkPath, got)
	}
	for _, want := range []string{"\ngo " + goVersion + "\n", "github.com/a-h/templ " + templVersion + "\n",
		"github.com/go-chi/chi/v5 " + chiVersion + "\n", "github.com/chromedp/chromedp " + chromedpVersion + "\n"} {
		if !strings.Contains(gomod, want) {
			t.Errorf("Nitro's go.mod has no %q: update the constants in new.go (and regenerate template/layout_templ.go.tmpl for a new templ)", strings.TrimSpace(want))
		}
	}
	layout := mustRead(t, filepath.Join("template", "layout_templ.go.tmpl"))
	if !strings.Contains(layout, "// templ: version: "+templVersion+"\n") {
		t.Errorf("template/layout_templ.go.tmpl was not generated by templ %s", templVersion)
	}
}
