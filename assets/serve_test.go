package assets_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nitrogo/framework/assets"
)

func serve(h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

const immutable = "public, max-age=31536000, immutable"

func TestServe(t *testing.T) {
	s := mustSet(t, mustBuilt(t), assets.Config{})
	etag := serve(s, "GET", "/assets/app.3f9a1c2e.css").Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	tests := []struct {
		name, method, path string
		header             []string
		code               int
		ctype, cache, enc  string
		body               string // "" for any
	}{
		{"css", "GET", "/assets/app.3f9a1c2e.css", nil, 200, "text/css; charset=utf-8", immutable, "", css},
		{"css gzipped", "GET", "/assets/app.3f9a1c2e.css", []string{"Accept-Encoding", "br, gzip"}, 200, "text/css; charset=utf-8", immutable, "gzip", ""},
		{"gzip refused", "GET", "/assets/app.3f9a1c2e.css", []string{"Accept-Encoding", "gzip;q=0, *"}, 200, "text/css; charset=utf-8", immutable, "", css},
		{"source map", "GET", "/assets/app.3f9a1c2e.css.map", nil, 200, "application/json", immutable, "", ""},
		{"js in a directory", "GET", "/assets/js/app.9b8c7d6e.js", nil, 200, "text/javascript; charset=utf-8", immutable, "", "(()=>{document.title=\"x\"})();\n"},
		{"png, never gzipped", "GET", "/assets/logo.5d41402a.png", []string{"Accept-Encoding", "gzip"}, 200, "image/png", immutable, "", ""},
		{"escaped name", "GET", "/assets/my%20font.0cc175b9.woff2", nil, 200, "font/woff2", immutable, "", "wOF2"},
		{"head", "HEAD", "/assets/app.3f9a1c2e.css", nil, 200, "text/css; charset=utf-8", immutable, "", ""},
		{"not modified", "GET", "/assets/app.3f9a1c2e.css", []string{"If-None-Match", etag}, 304, "", immutable, "", ""},
		{"logical name", "GET", "/assets/app.css", nil, 404, "", "", "", ""},
		{"not in the manifest", "GET", "/assets/stray.1234abcd.txt", nil, 404, "", "", "", ""},
		{"the manifest", "GET", "/assets/manifest.json", nil, 404, "", "", "", ""},
		{"other prefix", "GET", "/static/app.3f9a1c2e.css", nil, 404, "", "", "", ""},
		{"post", "POST", "/assets/app.3f9a1c2e.css", nil, 405, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(s, tt.method, tt.path, tt.header...)
			h := w.Header()
			if w.Code != tt.code {
				t.Fatalf("status %d, want %d", w.Code, tt.code)
			}
			if tt.ctype != "" && h.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", h.Get("Content-Type"), tt.ctype)
			}
			if h.Get("Cache-Control") != tt.cache {
				t.Errorf("Cache-Control %q, want %q", h.Get("Cache-Control"), tt.cache)
			}
			if h.Get("Content-Encoding") != tt.enc {
				t.Errorf("Content-Encoding %q, want %q", h.Get("Content-Encoding"), tt.enc)
			}
			if tt.body != "" && w.Body.String() != tt.body {
				t.Errorf("body %q, want %q", w.Body, tt.body)
			}
			if tt.code == 200 && (h.Get("ETag") == "" || h.Get("X-Content-Type-Options") != "nosniff") {
				t.Errorf("ETag %q, X-Content-Type-Options %q: want both", h.Get("ETag"), h.Get("X-Content-Type-Options"))
			}
			if tt.method == "HEAD" && w.Body.Len() != 0 {
				t.Errorf("HEAD has a body of %d bytes", w.Body.Len())
			}
		})
	}

	// The gzipped body is the file, and has an ETag of its own.
	w := serve(s, "GET", "/assets/app.3f9a1c2e.css", "Accept-Encoding", "gzip")
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != css {
		t.Errorf("gunzipped %q, want %q", b, css)
	}
	if got := w.Header().Get("ETag"); got == etag || got == "" {
		t.Errorf("gzipped ETag %q, want one of its own (plain: %q)", got, etag)
	}
	if w.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary %q, want Accept-Encoding", w.Header().Get("Vary"))
	}
}

func TestServeDevelopment(t *testing.T) {
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	source := fstest.MapFS{
		"app.css":    {Data: []byte("@import \"_base.css\";\nh1 { color: red }\n"), ModTime: mod},
		"_base.css":  {Data: []byte("body { margin: 0 }\n"), ModTime: mod},
		"js/app.js":  {Data: []byte("document.title = \"dev\";\n"), ModTime: mod},
		".env":       {Data: []byte("SECRET=1\n")},
		"img/a.svg":  {Data: []byte("<svg/>"), ModTime: mod},
		"js/.hidden": {Data: []byte("x")},
	}
	// The manifest is there, and ignored: the sources are served.
	s := mustSet(t, mustBuilt(t), assets.Config{Source: source})
	tests := []struct {
		name, path   string
		header       []string
		code         int
		ctype, body  string
		lastModified bool
	}{
		{"css", s.Path("app.css"), nil, 200, "text/css; charset=utf-8", "@import \"_base.css\";\nh1 { color: red }\n", true},
		{"what css imports", "/assets/_base.css", nil, 200, "text/css; charset=utf-8", "body { margin: 0 }\n", true},
		{"js", s.Path("js/app.js"), nil, 200, "text/javascript; charset=utf-8", "document.title = \"dev\";\n", true},
		{"svg", s.Path("img/a.svg"), nil, 200, "image/svg+xml", "<svg/>", true},
		{"not modified", "/assets/app.css", []string{"If-Modified-Since", mod.Format(http.TimeFormat)}, 304, "", "", false},
		{"hashed name", "/assets/app.3f9a1c2e.css", nil, 404, "", "", false},
		{"dotfile", "/assets/.env", nil, 404, "", "", false},
		{"hidden in a directory", "/assets/js/.hidden", nil, 404, "", "", false},
		{"directory", "/assets/js", nil, 404, "", "", false},
		{"up", "/assets/../app.css", nil, 404, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(s, "GET", tt.path, tt.header...)
			if w.Code != tt.code {
				t.Fatalf("GET %s: status %d, want %d", tt.path, w.Code, tt.code)
			}
			if tt.code >= 400 {
				return
			}
			h := w.Header()
			if h.Get("Cache-Control") != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache", h.Get("Cache-Control"))
			}
			if tt.ctype != "" && h.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", h.Get("Content-Type"), tt.ctype)
			}
			if w.Body.String() != tt.body {
				t.Errorf("body %q, want %q", w.Body, tt.body)
			}
			if tt.lastModified && h.Get("Last-Modified") != mod.Format(http.TimeFormat) {
				t.Errorf("Last-Modified %q, want %q", h.Get("Last-Modified"), mod.Format(http.TimeFormat))
			}
		})
	}

	// A save shows: the next request gets the new content.
	source["app.css"] = &fstest.MapFile{Data: []byte("h1 { color: blue }\n"), ModTime: mod.Add(time.Second)}
	if w := serve(s, "GET", "/assets/app.css"); !bytes.Contains(w.Body.Bytes(), []byte("blue")) {
		t.Errorf("after a save: %q, want the new rule", w.Body)
	}
}

func TestTags(t *testing.T) {
	s := mustSet(t, mustBuilt(t), assets.Config{})
	tests := []struct {
		name string
		tag  assets.Tag
		want string
	}{
		{"link", s.Link("app.css"), `<link rel="stylesheet" href="/assets/app.3f9a1c2e.css">`},
		{"script", s.Script("app.js", ""), `<script src="/assets/js/app.9b8c7d6e.js" defer></script>`},
		{"nonce", s.Script("app.js", `a"b`), `<script src="/assets/js/app.9b8c7d6e.js" nonce="a&#34;b" defer></script>`},
		{"escaped", s.Link(`x"&.css`), `<link rel="stylesheet" href="/assets/x%22&amp;.css">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.tag.String(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			var b strings.Builder
			if err := tt.tag.Render(t.Context(), &b); err != nil || b.String() != tt.want {
				t.Errorf("Render: %q, %v; want %q", b.String(), err, tt.want)
			}
		})
	}
}
