package assets_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nitrogo/framework/assets"
)

// css is long enough that gzip makes it smaller.
var css = strings.Repeat("h1{color:#c33}", 40) + "\n/*# sourceMappingURL=app.3f9a1c2e.css.map */\n"

// mustBuilt returns files as nitro-dev build writes them, under dist/.
func mustBuilt(tb testing.TB) fstest.MapFS {
	tb.Helper()
	return fstest.MapFS{
		"dist/manifest.json": {Data: []byte(`{
	"app.css": "app.3f9a1c2e.css",
	"app.js": "js/app.9b8c7d6e.js",
	"logo.png": "logo.5d41402a.png",
	"my font.woff2": "my font.0cc175b9.woff2"
}`)},
		"dist/app.3f9a1c2e.css":       {Data: []byte(css)},
		"dist/app.3f9a1c2e.css.map":   {Data: []byte(`{"version":3,"sources":["../app.css"],"mappings":""}`)},
		"dist/js/app.9b8c7d6e.js":     {Data: []byte("(()=>{document.title=\"x\"})();\n")},
		"dist/logo.5d41402a.png":      {Data: []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 64))},
		"dist/my font.0cc175b9.woff2": {Data: []byte("wOF2")},
		"dist/stray.1234abcd.txt":     {Data: []byte("not in the manifest")},
	}
}

func mustSet(tb testing.TB, files fstest.MapFS, cfg assets.Config) *assets.Set {
	tb.Helper()
	if cfg.Manifest == "" && files != nil {
		cfg.Manifest = "dist/manifest.json"
	}
	s, err := assets.New(files, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestPath(t *testing.T) {
	prod := mustSet(t, mustBuilt(t), assets.Config{})
	other := mustSet(t, mustBuilt(t), assets.Config{Prefix: "/static/app/"})
	dev := mustSet(t, mustBuilt(t), assets.Config{Source: fstest.MapFS{}})
	tests := []struct {
		set        *assets.Set
		name, want string
	}{
		{prod, "app.css", "/assets/app.3f9a1c2e.css"},
		{prod, "app.js", "/assets/js/app.9b8c7d6e.js"},
		{prod, "my font.woff2", "/assets/my%20font.0cc175b9.woff2"},
		{prod, "missing.css", "/assets/missing.css"},
		{other, "app.css", "/static/app/app.3f9a1c2e.css"},
		{dev, "app.css", "/assets/app.css"},
		{dev, "js/app.js", "/assets/js/app.js"},
	}
	for _, tt := range tests {
		if got := tt.set.Path(tt.name); got != tt.want {
			t.Errorf("%s: Path(%q) = %q, want %q", tt.set.Prefix(), tt.name, got, tt.want)
		}
	}
}

func TestNewErrors(t *testing.T) {
	withManifest := func(m string) fstest.MapFS {
		files := mustBuilt(t)
		files["dist/manifest.json"] = &fstest.MapFile{Data: []byte(m)}
		return files
	}
	tests := []struct {
		name  string
		files fs.FS // nil: none
		cfg   assets.Config
		want  string // in the error; "" for none
	}{
		{"ok", mustBuilt(t), assets.Config{Manifest: "dist/manifest.json"}, ""},
		{"no manifest", mustBuilt(t), assets.Config{}, "manifest.json"},
		{"no manifest in development", fstest.MapFS{}, assets.Config{Source: fstest.MapFS{}}, ""},
		{"development only", nil, assets.Config{Source: fstest.MapFS{}}, ""},
		{"nothing", nil, assets.Config{}, "no files"},
		{"bad prefix", mustBuilt(t), assets.Config{Manifest: "dist/manifest.json", Prefix: "/assets"}, "slash"},
		{"bad json", withManifest(`{"app.css": 1}`), assets.Config{Manifest: "dist/manifest.json"}, "dist/manifest.json"},
		{"missing file", withManifest(`{"app.css": "app.00000000.css"}`), assets.Config{Manifest: "dist/manifest.json"}, "app.00000000.css"},
		{"outside", withManifest(`{"app.css": "../app.css"}`), assets.Config{Manifest: "dist/manifest.json"}, "not a path inside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := assets.New(tt.files, tt.cfg)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("New: %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("New: error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestMustPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Must(nil, err) did not panic")
		}
	}()
	assets.Must(assets.New(nil, assets.Config{}))
}
