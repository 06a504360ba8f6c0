package main

import (
	"bytes"
	"embed"
	"errors"
	"flag"
	"fmt"
	"go/build"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"text/template"
)

// What the app's go.mod names; a test holds them to Nitro's own go.mod.
// The app requires the modules it imports itself at Nitro's versions, so
// that go mod tidy, resolving Nitro's latest version, does not resolve
// theirs too: layout_templ.go is templVersion's output.
const (
	frameworkPath   = "github.com/nitrogo/framework"
	goVersion       = "1.26.0"   // the go directive
	templVersion    = "v0.3.960" // the templ that generated layout_templ.go
	chiVersion      = "v5.5.0"
	chromedpVersion = "v0.23.0"
)

// replacedVersion is the version a replaced module is required at: the
// placeholder go mod tidy writes for a replacement that names none.
const replacedVersion = "v0.0.0-00010101000000-000000000000"

// appFiles is the app: every file under template/ is a text/template
// (appData) written without its .tmpl suffix, so that no file of the app
// is a Go file of this command's tree.
//
//go:embed template
var appFiles embed.FS

// renames are the files whose names cannot be embedded as they are
// written: a hidden file.
var renames = map[string]string{"gitignore": ".gitignore"}

// appData is what the templates are executed with.
type appData struct {
	Module    string // the module path
	Name      string // the app's name: the module path's last element
	Go        string // the go directive
	Templ     string // the templ version of layout_templ.go
	Chi       string // the chi version
	Chromedp  string // the chromedp version
	Framework string // Nitro's module path
	Version   string // the Nitro version required; "" leaves it to go mod tidy
	Replace   string // where a replace directive points Nitro at, or ""
}

// newOptions are nitro new's arguments.
type newOptions struct {
	Module  string // the new module's path
	Dir     string // where to write it: a new or empty directory
	Replace string // a checkout of Nitro for a replace directive; "" looks above Dir for one
	Version string // the Nitro version to require when not replaced; "" or "latest": go mod tidy's
	Tidy    bool   // run go mod tidy in the new module
}

func newCmd(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("new", flag.ContinueOnError)
	flags.SetOutput(stderr)
	o := newOptions{}
	flags.StringVar(&o.Replace, "replace", "", "a `dir` holding a checkout of Nitro, for a replace directive in go.mod (default: the checkout DIR is in, if any)")
	flags.StringVar(&o.Version, "version", builtVersion(), "the `version` of Nitro to require when there is no replace directive (default: nitro's own, if it was installed at one; else go mod tidy resolves the latest)")
	flags.BoolVar(&o.Tidy, "tidy", true, "run go mod tidy in the new module, which writes go.sum (it needs the module proxy, or a module cache holding what the app needs)")
	flags.Usage = func() {
		fmt.Fprintln(flags.Output(), "usage: nitro new [flags] MODULE [DIR]")
		fmt.Fprintln(flags.Output(), "\nnew creates a Go module named MODULE in DIR (by default MODULE's last element):\n"+
			"a Nitro app with one page, its tests and a README. DIR must be new or empty.")
		fmt.Fprintln(flags.Output(), "\nflags:")
		flags.PrintDefaults()
	}
	pos, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		flags.Usage()
		return fmt.Errorf("%w: new wants MODULE and at most a DIR", errUsage)
	}
	o.Module = pos[0]
	if len(pos) == 2 {
		o.Dir = pos[1]
	}
	app, err := newApp(o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "nitro: created %s, module %s", app.dir, o.Module)
	if app.replace != "" {
		fmt.Fprintf(stdout, " (its go.mod replaces Nitro with %s)", app.replace)
	}
	fmt.Fprintln(stdout)
	steps := []string{"cd " + app.dir}
	if o.Tidy {
		if err := goModTidy(app.abs); err != nil {
			return err
		}
	} else {
		steps = append(steps, "go mod tidy          # go.sum, and the Nitro version if go.mod names none")
	}
	steps = append(steps,
		"go run .             # then open http://localhost:8000",
		"go test ./...",
		"go tool nitro-dev .  # rebuilds, restarts and reloads the browser on save")
	fmt.Fprintf(stdout, "\n\t%s\n", strings.Join(steps, "\n\t"))
	return nil
}

// parseInterspersed parses flags wherever they are among the
// positional arguments ("nitro new hello -tidy=false"), which it returns.
func parseInterspersed(flags *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		if flags.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, flags.Arg(0))
		args = flags.Args()[1:]
	}
}

// created is what newApp wrote.
type created struct {
	dir     string   // the directory, as given or by default
	abs     string   // the same, absolute
	replace string   // the replace directive's path, or ""
	files   []string // the files written, slash-separated, sorted
}

// newApp writes the app that o describes. It refuses a module path that
// go could not build, and a directory that exists and is not empty. It
// writes every file or, having made the directory, none.
func newApp(o newOptions) (created, error) {
	var app created
	if err := checkModulePath(o.Module); err != nil {
		return app, err
	}
	data := appData{Module: o.Module, Name: appName(o.Module), Go: goVersion, Templ: templVersion, Chi: chiVersion, Chromedp: chromedpVersion,
		Framework: frameworkPath}
	app.dir = o.Dir
	if app.dir == "" {
		app.dir = data.Name
	}
	var err error
	if app.abs, err = filepath.Abs(app.dir); err != nil {
		return app, err
	}
	fresh, err := checkDir(app.dir, app.abs)
	if err != nil {
		return app, err
	}

	checkout := ""
	if o.Replace != "" {
		if checkout, err = filepath.Abs(o.Replace); err != nil {
			return app, err
		}
		if mod := modulePath(filepath.Join(checkout, "go.mod")); mod != frameworkPath {
			return app, fmt.Errorf("-replace %s: want a checkout of Nitro, a directory whose go.mod declares module %s (found %q)", o.Replace, frameworkPath, mod)
		}
	} else {
		checkout = findFramework(filepath.Dir(app.abs))
	}
	switch {
	case checkout != "":
		data.Version = replacedVersion
		data.Replace = replacePath(app.abs, checkout)
		app.replace = data.Replace
	case o.Version != "latest":
		data.Version = o.Version
	}
	if strings.ContainsAny(data.Version, " \t\r\n\"'`") {
		return app, fmt.Errorf("-version %q: want a version such as v0.1.0", o.Version)
	}

	files, err := render(data)
	if err != nil {
		return app, err
	}
	if err := write(app.abs, fresh, files); err != nil {
		return app, err
	}
	app.files = slices.Sorted(maps.Keys(files))
	return app, nil
}

// checkDir refuses a dir that exists and is not an empty directory. It
// reports whether the directory is yet to be made.
func checkDir(dir, abs string) (fresh bool, err error) {
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil:
		return false, err
	case !fi.IsDir():
		return false, fmt.Errorf("%s is a file: give the app a new directory (nitro new MODULE DIR)", dir)
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return false, err
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("%s exists and is not empty: give the app a new directory (nitro new MODULE DIR), or remove this one", dir)
	}
	return false, nil
}

// render executes the templates with data: file contents by their
// slash-separated names in the app.
func render(data appData) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(appFiles, "template", func(name string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		text, err := appFiles.ReadFile(name)
		if err != nil {
			return err
		}
		t, err := template.New(name).Parse(string(text))
		if err != nil {
			return err
		}
		var out bytes.Buffer
		if err := t.Execute(&out, data); err != nil {
			return err
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(name, "template/"), ".tmpl")
		if to, ok := renames[path.Base(rel)]; ok {
			rel = path.Join(path.Dir(rel), to)
		}
		files[rel] = out.Bytes()
		return nil
	})
	return files, err
}

// write writes files under dir, making the directories they need. If
// it fails having made dir (fresh), it removes dir: all or nothing.
func write(dir string, fresh bool, files map[string][]byte) (err error) {
	if fresh {
		defer func() {
			if err != nil {
				os.RemoveAll(dir)
			}
		}()
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// goModTidy runs go mod tidy in dir, on that module alone (not a
// workspace that may hold the directory).
func goModTidy(dir string) error {
	cmd := exec.Command("go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go mod tidy in %s: %v\n%s\nThe app is written: fix the cause (can go reach the module proxy?), then run go mod tidy there", dir, err, bytes.TrimSpace(out))
	}
	return nil
}

// builtVersion is the version of Nitro this command was built from, if
// go knows one for it: go install github.com/nitrogo/framework/cmd/nitro@v
// records v. A build from a checkout records "(devel)", or a version
// marked +dirty: nothing go get could find.
func builtVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Path != frameworkPath {
		return ""
	}
	v := bi.Main.Version
	if !strings.HasPrefix(v, "v") || strings.Contains(v, "+") {
		return ""
	}
	return v
}

// findFramework returns the root of the checkout of Nitro that holds dir,
// or "": the directory of the nearest go.mod above dir, if it is Nitro's.
func findFramework(dir string) string {
	for {
		gomod := filepath.Join(dir, "go.mod")
		if _, err := os.Stat(gomod); err == nil {
			if modulePath(gomod) == frameworkPath {
				return dir
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// modulePath returns the module path that the go.mod file declares, or
// "" if it cannot be read.
func modulePath(gomod string) string {
	text, err := os.ReadFile(gomod)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(text)) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" {
			if p, err := strconv.Unquote(f[1]); err == nil {
				return p
			}
			return f[1]
		}
	}
	return ""
}

// replacePath is the path of checkout as a replace directive in the
// go.mod in dir writes it: relative (so the two move together), else
// absolute, and quoted where go.mod's syntax wants it.
func replacePath(dir, checkout string) string {
	p := checkout
	if rel, err := filepath.Rel(dir, checkout); err == nil {
		p = filepath.ToSlash(rel)
		if p != ".." && !strings.HasPrefix(p, "../") {
			p = "./" + p
		}
	}
	if strings.ContainsAny(p, " \t\"'`()[]{},") || strings.Contains(p, "//") || strings.Contains(p, "/*") {
		p = strconv.Quote(p)
	}
	return p
}

// appName is the module path's last element, or the one before a major
// version suffix (example.com/hello/v2: hello): the app's name, and its
// directory unless one is given.
func appName(module string) string {
	elems := strings.Split(module, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajor(name) {
		name = elems[len(elems)-2]
	}
	return name
}

// isMajor reports whether elem is a major version suffix: v2, v3, ...
func isMajor(elem string) bool {
	n, err := strconv.Atoi(strings.TrimPrefix(elem, "v"))
	return strings.HasPrefix(elem, "v") && err == nil && n >= 2 && elem[1] != '0'
}

// checkModulePath reports why module cannot name the new module, with the
// rules of golang.org/x/mod/module.CheckImportPath that matter here (a
// first element without a dot, "hello", is allowed, as go mod init
// allows it), and the names go keeps for itself.
func checkModulePath(module string) error {
	bad := func(why string) error {
		return fmt.Errorf("module path %q: %s: give a path such as hello or example.com/hello", module, why)
	}
	if module == "" {
		return bad("it is empty")
	}
	if strings.HasPrefix(module, "-") {
		return bad("it begins with a dash, as a flag does")
	}
	for _, elem := range strings.Split(module, "/") {
		switch {
		case elem == "":
			return bad("it has an empty element (a leading, trailing or double slash)")
		case elem[0] == '.':
			return bad(fmt.Sprintf("element %q begins with a dot", elem))
		case elem[len(elem)-1] == '.':
			return bad(fmt.Sprintf("element %q ends with a dot", elem))
		}
		for _, r := range elem {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("-._~", r)) {
				return bad(fmt.Sprintf("%q is not allowed: use letters, digits and - . _ ~", r))
			}
		}
	}
	first, _, _ := strings.Cut(module, "/")
	if strings.Contains(first, ".") {
		return nil
	}
	switch module {
	case "all", "cmd", "std", "tool", "work":
		return bad("go keeps that name for a pattern of packages")
	}
	if root := goroot(); root != "" {
		if fi, err := os.Stat(filepath.Join(root, "src", filepath.FromSlash(module))); err == nil && fi.IsDir() {
			return bad("it is a package of Go's standard library")
		}
	}
	return nil
}

// goroot is the Go installation's root: the one this command was built
// with, or else go env's.
func goroot() string {
	if build.Default.GOROOT != "" {
		return build.Default.GOROOT
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
