package static_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/nitrogo/framework/static"
)

func TestPath(t *testing.T) {
	if ok, _ := regexp.MatchString(`^/nitro/n2o\.[0-9a-f]{8}\.js$`, static.Path()); !ok {
		t.Errorf("Path() = %q, want /nitro/n2o.<8 hex>.js", static.Path())
	}
	want := `<script src="` + static.Path() + `" defer></script>`
	if got := static.Script(); got != want {
		t.Errorf("Script() = %q, want %q", got, want)
	}
}

func mustBundle(tb testing.TB) []byte {
	tb.Helper()
	b, err := os.ReadFile("n2o.min.js")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func serve(method, path string, header ...string) *http.Response {
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	static.Handler().ServeHTTP(w, r)
	return w.Result()
}

func TestHandler(t *testing.T) {
	js := mustBundle(t)
	tests := []struct {
		name, method, path string
		header             []string
		status             int
		gzip               bool // the body is gzipped js
		body               bool // the body is js
	}{
		{name: "plain", method: "GET", path: static.Path(), status: 200, body: true},
		{name: "gzip", method: "GET", path: static.Path(), header: []string{"Accept-Encoding", "gzip, deflate, br"}, status: 200, gzip: true},
		{name: "gzip with quality", method: "GET", path: static.Path(), header: []string{"Accept-Encoding", "br;q=1.0, gzip;q=0.8"}, status: 200, gzip: true},
		{name: "gzip refused", method: "GET", path: static.Path(), header: []string{"Accept-Encoding", "gzip;q=0, *"}, status: 200, body: true},
		{name: "any encoding", method: "GET", path: static.Path(), header: []string{"Accept-Encoding", "*"}, status: 200, gzip: true},
		{name: "identity only", method: "GET", path: static.Path(), header: []string{"Accept-Encoding", "identity"}, status: 200, body: true},
		{name: "head", method: "HEAD", path: static.Path(), status: 200},
		{name: "post", method: "POST", path: static.Path(), status: 405},
		{name: "other hash", method: "GET", path: "/nitro/n2o.00000000.js", status: 404},
		{name: "prefix", method: "GET", path: "/nitro/", status: 404},
		{name: "source", method: "GET", path: "/nitro/n2o.js", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := serve(tt.method, tt.path, tt.header...)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status != 200 {
				return
			}
			for k, want := range map[string]string{
				"Cache-Control": "public, max-age=31536000, immutable",
				"Content-Type":  "text/javascript; charset=utf-8",
				"Vary":          "Accept-Encoding",
			} {
				if got := resp.Header.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
			etag := resp.Header.Get("ETag")
			if ok, _ := regexp.MatchString(`^"[0-9a-f]{16}(-gz)?"$`, etag); !ok {
				t.Errorf("ETag %q, want a quoted hash", etag)
			}
			if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tt.gzip {
				t.Errorf("Content-Encoding %q, want gzip %v", resp.Header.Get("Content-Encoding"), tt.gzip)
			}
			switch {
			case tt.gzip:
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, js) {
					t.Errorf("gunzipped body is not n2o.min.js (%d bytes, want %d)", len(plain), len(js))
				}
				if len(body) >= len(js) {
					t.Errorf("gzipped body of %d bytes, plain %d", len(body), len(js))
				}
			case tt.body:
				if !bytes.Equal(body, js) {
					t.Errorf("body is not n2o.min.js (%d bytes, want %d)", len(body), len(js))
				}
			case tt.method == "HEAD":
				if len(body) != 0 {
					t.Errorf("HEAD has a body of %d bytes", len(body))
				}
			}
		})
	}
}

func TestHandlerNotModified(t *testing.T) {
	for _, enc := range []string{"", "gzip"} {
		first := serve("GET", static.Path(), "Accept-Encoding", enc)
		etag := first.Header.Get("ETag")
		again := serve("GET", static.Path(), "Accept-Encoding", enc, "If-None-Match", etag)
		if again.StatusCode != http.StatusNotModified {
			t.Errorf("encoding %q: If-None-Match %s: status %d, want 304", enc, etag, again.StatusCode)
		}
	}
	plain := serve("GET", static.Path()).Header.Get("ETag")
	gz := serve("GET", static.Path(), "Accept-Encoding", "gzip").Header.Get("ETag")
	if plain == gz {
		t.Errorf("plain and gzipped bodies share the ETag %s", plain)
	}
}

func TestPathIsContentHash(t *testing.T) {
	// The bundle must not be empty, and the path must name it: a path of a
	// stale hash would be cached for a year.
	js := mustBundle(t)
	if len(js) == 0 || !strings.Contains(string(js), "querySource") {
		t.Fatalf("n2o.min.js is empty or lost its globals (%d bytes)", len(js))
	}
}
