package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDevAssets checks what the dev server answers in the app's place
// under -assets: the .js and .css sources of -assets-src bundled by
// esbuild, unminified, with an inline source map, and its other files as
// they are, never cached; anything else goes to the app.
func TestDevAssets(t *testing.T) {
	app := t.TempDir()
	web := filepath.Join(app, "web")
	mustTree(t, web, webTree)
	mustTree(t, filepath.Join(web, "dist"), map[string]string{"app.0123abcd.css": "built\n"})
	d := &devServer{appDir: app, staticPrefix: "/static/", assetsPrefix: "/assets/", assetsSrc: web}
	a := newAssets(d)
	h := a.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "from the app")
	}))
	get := func(method, path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
		return w
	}
	tests := []struct {
		name, method, path string
		ctype              string   // "" for the app's answer
		want               []string // in the body
		sources            []string // of the inline source map
	}{
		{"css", "GET", "/assets/app.css", "text/css; charset=utf-8",
			[]string{"color: rgb(0, 0, 255);", ".logo {\n  background: url(img/logo.svg) no-repeat;\n}", "url(/favicon.ico)"},
			[]string{"_base.css", "app.css"}},
		{"a url() from a subdirectory, relative to the bundle", "GET", "/assets/admin.css", "text/css; charset=utf-8",
			[]string{"url(img/logo.svg#mark)"}, []string{"css/admin.css"}},
		{"js", "GET", "/assets/app.js", "text/javascript; charset=utf-8",
			[]string{"var longLocalName = greet(\"world\");", "return \"hello \" + name;"}, []string{"lib/greet.js", "app.js"}},
		{"an image, as it is", "GET", "/assets/img/logo.svg", "image/svg+xml", []string{webTree["img/logo.svg"]}, nil},
		{"a hidden file: the app's", "GET", "/assets/.hidden.css", "", nil, nil},
		{"a built name: the app's", "GET", "/assets/app.0123abcd.css", "", nil, nil},
		{"no such source", "GET", "/assets/none.css", "", nil, nil},
		{"post", "POST", "/assets/app.css", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(tt.method, tt.path)
			body := w.Body.String()
			if tt.ctype == "" {
				if body != "from the app" {
					t.Errorf("%s %s: %q, want the app's answer", tt.method, tt.path, body)
				}
				return
			}
			if w.Code != 200 || w.Header().Get("Content-Type") != tt.ctype || w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("%s: %d, Content-Type %q, Cache-Control %q; want 200, %q, no-store",
					tt.path, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Cache-Control"), tt.ctype)
			}
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("%s is %q, want it to contain %q", tt.path, body, s)
				}
			}
			if tt.sources == nil {
				return
			}
			if got := inlineSources(t, body); !slices.Equal(got, tt.sources) {
				t.Errorf("%s's inline source map has sources %q, want %q", tt.path, got, tt.sources)
			}
		})
	}

	// A save shows once the cycle has invalidated the bundles.
	mustTree(t, web, map[string]string{"_base.css": "body { color: rgb(1, 2, 3); }\n"})
	a.invalidate()
	if body := get("GET", "/assets/app.css").Body.String(); !strings.Contains(body, "rgb(1, 2, 3)") {
		t.Errorf("after a save and a rebuild: %q, want the new rule", body)
	}
	// -assets "" turns it off.
	d.assetsPrefix = ""
	a.invalidate()
	if body := get("GET", "/assets/app.css").Body.String(); body != "from the app" {
		t.Errorf("with -assets \"\": %q, want the app's answer", body)
	}
}

// inlineSources returns the sources named by the inline source map at
// the end of code, with the paths made relative to web/.
func inlineSources(tb testing.TB, code string) []string {
	tb.Helper()
	const marker = "sourceMappingURL=data:application/json;base64,"
	i := strings.LastIndex(code, marker)
	if i < 0 {
		tb.Errorf("no inline source map in %q", code)
		return nil
	}
	enc, _, _ := strings.Cut(code[i+len(marker):], " ")
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		tb.Fatal(err)
	}
	var sm struct {
		Sources        []string
		SourcesContent []string
	}
	if err := json.Unmarshal(b, &sm); err != nil {
		tb.Fatal(err)
	}
	if len(sm.SourcesContent) != len(sm.Sources) {
		tb.Errorf("source map: %d sources, %d contents", len(sm.Sources), len(sm.SourcesContent))
	}
	return sm.Sources
}

// TestDevServesAssetSources checks, on the tiny app, that nitro-dev tells
// the app NITRO_DEV=1 and serves its web/ sources under /assets/ as they
// are saved: a stylesheet is swapped in, a script reloads the page.
func TestDevServesAssetSources(t *testing.T) {
	r := startDev(t)
	getBody := func(path string) (string, http.Header) {
		t.Helper()
		resp, err := http.Get(r.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), resp.Header
	}
	if body, _ := getBody("/dev"); body != "NITRO_DEV=1" {
		t.Errorf("the app says %q, want NITRO_DEV=1", body)
	}
	css, h := getBody("/assets/app.css")
	if !strings.Contains(css, "margin: 0;") || !strings.Contains(css, "rgb(0, 128, 0)") ||
		!strings.Contains(css, "sourceMappingURL=data:") || h.Get("Cache-Control") != "no-store" {
		t.Errorf("/assets/app.css is %q (Cache-Control %q), want web/app.css and what it imports, unminified, with a source map, no-store", css, h.Get("Cache-Control"))
	}

	ev := r.events()
	r.edit("web/parts/base.css", "margin: 0;", "margin: 1px;")
	if e := next(t, ev, "reload", "css"); e != "css {}" {
		t.Errorf("after a save of what app.css imports: %s, want css", e)
	}
	if css, _ := getBody("/assets/app.css"); !strings.Contains(css, "margin: 1px;") {
		t.Errorf("after the save /assets/app.css is %q, want the new rule", css)
	}
	r.edit("web/parts/mark.js", `"["`, `"<"`)
	if e := next(t, ev, "reload", "css"); e != "reload {}" {
		t.Errorf("after a save of what app.js imports: %s, want reload", e)
	}
	if js, _ := getBody("/assets/app.js"); !strings.Contains(js, `return "<" + s + "]";`) {
		t.Errorf("after the save /assets/app.js is %q, want the new code", js)
	}
}
