package livereload

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

const tag = `<script src="/lr.js"></script>`

func TestInjectHTML(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"<html><body><p>hi</p></body></html>", "<html><body><p>hi</p>" + tag + "</body></html>"},
		{"<BODY>x</BODY>", "<BODY>x" + tag + "</BODY>"},
		{"<p>no body", "<p>no body" + tag},
		{"<body></body><!-- </body> --></body>", "<body></body><!-- </body> -->" + tag + "</body>"},
	}
	for _, tt := range tests {
		if got := string(InjectHTML([]byte(tt.in), tag)); got != tt.want {
			t.Errorf("InjectHTML(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInject(t *testing.T) {
	gz := func(w http.ResponseWriter, s string) {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, s)
		zw.Close()
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
		gzipped bool
	}{
		{"html", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Accept-Encoding") != "" {
				t.Error("Accept-Encoding reached the app")
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<body>a</body>")
		}, "<body>a" + tag + "</body>", false},
		{"sniffed html", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<!doctype html><body>a</body>")
		}, "<!doctype html><body>a" + tag + "</body>", false},
		{"json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"body":"</body>"}`)
		}, `{"body":"</body>"}`, false},
		{"gzip html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			gz(w, "<body>z</body>")
		}, "<body>z</body>", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/", nil)
			req.Header.Set("Accept-Encoding", "gzip")
			Inject(tt.handler, tag).ServeHTTP(rec, req)
			body := rec.Body.String()
			if tt.gzipped {
				zr, err := gzip.NewReader(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(zr)
				body = string(b)
			}
			if body != tt.want {
				t.Errorf("got %q, want %q", body, tt.want)
			}
			if cl := rec.Header().Get("Content-Length"); cl != "" && cl != strconv.Itoa(rec.Body.Len()) {
				t.Errorf("Content-Length %s, body %d bytes", cl, rec.Body.Len())
			}
		})
	}
}

func TestNonceTag(t *testing.T) {
	const tag = `<script src="/lr.js" defer></script>`
	tests := []struct {
		name   string
		policy []string // Content-Security-Policy values
		want   string   // the nonce the tag gets, or "" for none
	}{
		{"no policy", nil, ""},
		{"script-src", []string{"default-src 'self'; script-src 'nonce-abc+/=' 'strict-dynamic'"}, "abc+/="},
		{"case and spaces", []string{"  SCRIPT-SRC   'self'  'NONCE-x_y-z'  ;img-src 'self'"}, "x_y-z"},
		{"default-src", []string{"default-src 'self' 'nonce-d1'"}, "d1"},
		{"script-src-elem rules", []string{"script-src 'nonce-s1'; script-src-elem 'nonce-e1'"}, "e1"},
		{"the ruling directive has none", []string{"default-src 'nonce-d1'; script-src 'self'"}, ""},
		{"first of a name counts", []string{"script-src 'self'; script-src 'nonce-late'"}, ""},
		{"second policy", []string{"img-src 'self', script-src 'nonce-p2'"}, "p2"},
		{"second header", []string{"img-src 'self'", "script-src 'nonce-h2'"}, "h2"},
		{"not base64", []string{`script-src 'nonce-a"onload="x'`}, ""},
		{"empty nonce", []string{"script-src 'nonce-'"}, ""},
		{"unquoted", []string{"script-src nonce-abc"}, ""},
		{"hash only", []string{"script-src 'sha256-abc'"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, p := range tt.policy {
				h.Add("Content-Security-Policy", p)
			}
			want := tag
			if tt.want != "" {
				want = `<script nonce="` + tt.want + `" src="/lr.js" defer></script>`
			}
			if got := NonceTag(tag, h); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestInjectNonce checks that Inject gives its tag the nonce of the
// response it edits, as a page under a nonce policy runs only such scripts.
func TestInjectNonce(t *testing.T) {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Security-Policy", "script-src 'nonce-N1' 'strict-dynamic'")
		io.WriteString(w, "<body>a</body>")
	})
	rec := httptest.NewRecorder()
	Inject(app, tag).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if got, want := rec.Body.String(), `<body>a<script nonce="N1" src="/lr.js"></script></body>`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
