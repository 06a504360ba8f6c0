package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// webTree is an app's asset sources: entries at the top, what they
// import (in subdirectories, or named _*), an image their CSS names.
var webTree = map[string]string{
	"app.css":       "@import \"_base.css\";\n/* the app's own */\n.logo {\n  background: url(img/logo.svg) no-repeat;\n}\n.inline { background: url(\"data:image/gif;base64,R0lGOD==\") }\n.abs { background: url(/favicon.ico) }\n",
	"_base.css":     "body {\n  color: rgb(0, 0, 255);\n}\n",
	"app.js":        "import { greet } from \"./lib/greet.js\";\nconst longLocalName = greet(\"world\");\ndocument.title = longLocalName;\n",
	"lib/greet.js":  "export function greet(name) {\n  return \"hello \" + name;\n}\n",
	"admin.css":     "@import \"css/admin.css\";\n",
	"css/admin.css": ".admin {\n  background: url(../img/logo.svg#mark);\n}\n",
	"img/logo.svg":  "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
	".hidden.css":   "hidden { }\n",
	"_draft.svg":    "<svg/>\n",
}

// mustTree writes files (by slash path) under dir.
func mustTree(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// mustBuild builds src into out and checks that the manifest on disk is
// the one returned, and that every file it names is there.
func mustBuild(tb testing.TB, src, out string) built {
	tb.Helper()
	b, err := buildAssets(src, out)
	if err != nil {
		tb.Fatal(err)
	}
	var onDisk map[string]string
	if err := json.Unmarshal(mustRead(tb, filepath.Join(out, manifestName)), &onDisk); err != nil {
		tb.Fatal(err)
	}
	if !mapsEqual(onDisk, b.manifest) {
		tb.Fatalf("%s is %v, want %v", manifestName, onDisk, b.manifest)
	}
	for _, name := range b.manifest {
		mustRead(tb, filepath.Join(out, filepath.FromSlash(name)))
	}
	return b
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// files lists the files under dir, by slash path.
func files(tb testing.TB, dir string) []string {
	tb.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(names)
	return names
}

var hashedAs = regexp.MustCompile(`^(.*)\.[0-9a-f]{8}(\.[a-z]+)$`)

func TestBuildAssetsManifest(t *testing.T) {
	dir := t.TempDir()
	src, out := filepath.Join(dir, "web"), filepath.Join(dir, "web", "dist")
	mustTree(t, src, webTree)
	b := mustBuild(t, src, out)

	// Entries and copies, by logical name; no partial, module, dotfile or
	// output of the build's own.
	var logical []string
	for name, file := range b.manifest {
		logical = append(logical, name)
		m := hashedAs.FindStringSubmatch(file)
		if m == nil || m[1]+m[2] != name {
			t.Errorf("%s is built as %s, want %s with a hash of 8 hex digits", name, file, name)
		}
	}
	slices.Sort(logical)
	if want := []string{"admin.css", "app.css", "app.js", "img/logo.svg"}; !slices.Equal(logical, want) {
		t.Errorf("manifest's names %v, want %v", logical, want)
	}
	// Each bundle has its source map; nothing else is written.
	want := []string{manifestName}
	for _, name := range b.manifest {
		want = append(want, name)
		if !strings.HasSuffix(name, ".svg") {
			want = append(want, name+".map")
		}
	}
	slices.Sort(want)
	if got := files(t, out); !slices.Equal(got, want) {
		t.Errorf("the out dir holds %v, want %v", got, want)
	}
}

// TestBuildAssetsHashes checks that a hashed name changes when its
// content does, and only then: a second build changes nothing, a comment
// that minifying drops keeps the name, and the stale files go.
func TestBuildAssetsHashes(t *testing.T) {
	dir := t.TempDir()
	src, out := filepath.Join(dir, "web"), filepath.Join(dir, "dist")
	mustTree(t, src, webTree)
	prev := mustBuild(t, src, out)
	steps := []struct {
		name    string
		edit    map[string]string // files to write
		changed []string          // logical names whose hash changes
	}{
		{"same sources", nil, nil},
		{"a comment", map[string]string{"app.css": "/* a new comment */\n" + webTree["app.css"]}, nil},
		{"a rule", map[string]string{"app.css": webTree["app.css"] + ".new { color: red }\n"}, []string{"app.css"}},
		{"what an entry imports", map[string]string{"lib/greet.js": strings.Replace(webTree["lib/greet.js"], "hello", "hi", 1)}, []string{"app.js"}},
		{"an image", map[string]string{"img/logo.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1\"/>\n"},
			// The CSS that names it names the new copy.
			[]string{"img/logo.svg", "app.css", "admin.css"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			mustTree(t, src, st.edit)
			before := map[string][]byte{}
			for _, f := range files(t, out) {
				before[f] = mustRead(t, filepath.Join(out, filepath.FromSlash(f)))
			}
			b := mustBuild(t, src, out)
			for name, file := range b.manifest {
				if changed := file != prev.manifest[name]; changed != slices.Contains(st.changed, name) {
					t.Errorf("%s: %s, then %s: changed %v, want %v", name, prev.manifest[name], file, changed, !changed)
				}
			}
			for _, name := range st.changed {
				old := filepath.Join(out, filepath.FromSlash(prev.manifest[name]))
				if _, err := os.Stat(old); err == nil {
					t.Errorf("%s's old output %s is still there", name, prev.manifest[name])
				}
			}
			if st.edit == nil {
				if b.written != 0 || b.removed != 0 {
					t.Errorf("the same sources again: %d files written, %d removed, want none", b.written, b.removed)
				}
				for f, data := range before {
					if !bytes.Equal(mustRead(t, filepath.Join(out, filepath.FromSlash(f))), data) {
						t.Errorf("%s changed", f)
					}
				}
			}
			prev = b
		})
	}
}

func TestBuildAssetsOutput(t *testing.T) {
	dir := t.TempDir()
	src, out := filepath.Join(dir, "web"), filepath.Join(dir, "web", "dist")
	mustTree(t, src, webTree)
	b := mustBuild(t, src, out)
	read := func(logical string) string { return string(b.files[b.manifest[logical]]) }
	logo := b.manifest["img/logo.svg"]

	css := read("app.css")
	for _, want := range []string{
		"body{color:#00f}", // imported, minified
		".logo{background:url(" + logo + ") no-repeat}",
		"url(data:image/gif;base64,R0lGOD==)",
		"url(/favicon.ico)",
		"\n/*# sourceMappingURL=" + filepath.Base(b.manifest["app.css"]) + ".map */\n",
	} {
		if !strings.Contains(css, want) {
			t.Errorf("app.css built as %q, want it to contain %q", css, want)
		}
	}
	// The url() of a file imported from css/ is relative to the bundle.
	if admin := read("admin.css"); !strings.Contains(admin, "url("+logo+"#mark)") {
		t.Errorf("admin.css built as %q, want its url() to name %s#mark", admin, logo)
	}
	js := read("app.js")
	if strings.Contains(js, "longLocalName") || strings.Contains(js, "import") || !strings.Contains(js, `"hello "`) ||
		!strings.HasSuffix(js, "\n//# sourceMappingURL="+filepath.Base(b.manifest["app.js"])+".map\n") {
		t.Errorf("app.js built as %q, want it minified, with its import inlined and its source map named", js)
	}

	var sm struct {
		Sources        []string
		SourcesContent []string
	}
	if err := json.Unmarshal(b.files[b.manifest["app.js"]+".map"], &sm); err != nil {
		t.Fatal(err)
	}
	if want := []string{"../lib/greet.js", "../app.js"}; !slices.Equal(sm.Sources, want) || len(sm.SourcesContent) != 2 ||
		sm.SourcesContent[1] != webTree["app.js"] {
		t.Errorf("app.js's source map has sources %q and %d contents, want %q and theirs", sm.Sources, len(sm.SourcesContent), want)
	}
	if got := read("img/logo.svg"); got != webTree["img/logo.svg"] {
		t.Errorf("img/logo.svg copied as %q", got)
	}
}

func TestBuildAssetsErrors(t *testing.T) {
	dir := t.TempDir()
	mustTree(t, filepath.Join(dir, "web"), map[string]string{"app.css": "a { color: red }\n"})
	mustTree(t, filepath.Join(dir, "bad"), map[string]string{"app.js": "function (\n"})
	mustTree(t, filepath.Join(dir, "nourl"), map[string]string{"app.css": "a { background: url(missing.png) }\n"})
	mustTree(t, filepath.Join(dir, "outside"), map[string]string{"app.css": "a { background: url(../web/app.css) }\n"})
	mustTree(t, filepath.Join(dir, "partial"), map[string]string{"app.css": "a { background: url(_hidden.png) }\n", "_hidden.png": "x"})
	mustTree(t, filepath.Join(dir, "jscss"), map[string]string{"app.js": "import \"./_x.css\";\n", "_x.css": "a { color: red }\n"})
	mustTree(t, dir, map[string]string{"file": "x"})
	at := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name, src, out string
		want           []string // in the error
	}{
		{"missing source dir", at("none"), at("dist"), []string{"source directory", "none", "does not exist"}},
		{"source is a file", at("file"), at("dist"), []string{"not a directory"}},
		{"out is src", at("web"), at("web"), []string{"-out", "holds -src"}},
		{"out holds src", at("web"), dir, []string{"holds -src"}},
		{"syntax error", at("bad"), at("dist"), []string{"app.js", "Expected"}},
		{"url to no file", at("nourl"), at("dist"), []string{"app.css", "no file missing.png under -src"}},
		{"url outside", at("outside"), at("dist"), []string{"../web/app.css is not under -src"}},
		{"url to a partial", at("partial"), at("dist"), []string{"_hidden.png is not copied"}},
		{"CSS from JavaScript", at("jscss"), at("dist"), []string{"app.js: it imports CSS"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildAssets(tt.src, tt.out)
			if err == nil {
				t.Fatalf("build %s into %s: no error, want one", tt.src, tt.out)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestBuildCmd(t *testing.T) {
	dir := t.TempDir()
	src, out := filepath.Join(dir, "web"), filepath.Join(dir, "web", "dist")
	mustTree(t, src, map[string]string{"app.css": "a { color: red }\n"})
	tests := []struct {
		name    string
		args    []string
		wantErr string
		stderr  string
	}{
		{"build", []string{"build", "-src", src, "-out", out}, "", "manifest.json: 1 assets (3 files written, 0 stale removed)"},
		{"again", []string{"build", "-src", src, "-out", out}, "", "manifest.json: 1 assets\n"},
		{"help lists it", []string{"help"}, "", "build [-src web] [-out web/dist]"},
		{"arguments", []string{"build", src}, "want no arguments", "usage: nitro-dev build"},
		{"missing source", []string{"build", "-src", filepath.Join(dir, "none")}, "does not exist (-src names it)", ""},
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
}

// TestAssetsTestdata checks that assets/testdata/dist, which package
// assets's examples embed, is what building assets/testdata/web gives
// now (built in a copy, so that the source maps' relative paths match).
func TestAssetsTestdata(t *testing.T) {
	root := filepath.Join("..", "..", "assets", "testdata")
	dir := t.TempDir()
	tree := map[string]string{}
	for _, f := range files(t, filepath.Join(root, "web")) {
		tree[f] = string(mustRead(t, filepath.Join(root, "web", filepath.FromSlash(f))))
	}
	mustTree(t, filepath.Join(dir, "web"), tree)
	mustBuild(t, filepath.Join(dir, "web"), filepath.Join(dir, "dist"))
	got, want := files(t, filepath.Join(dir, "dist")), files(t, filepath.Join(root, "dist"))
	if !slices.Equal(got, want) {
		t.Fatalf("building assets/testdata/web gives %v; committed: %v: run go generate ./assets", got, want)
	}
	for _, f := range got {
		if !bytes.Equal(mustRead(t, filepath.Join(dir, "dist", f)), mustRead(t, filepath.Join(root, "dist", f))) {
			t.Errorf("assets/testdata/dist/%s is stale: run go generate ./assets", f)
		}
	}
}
