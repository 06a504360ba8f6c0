package pages_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/pages"
	"github.com/nitrogo/framework/static"
)

// noncePage shows the nonce where a page meets it: Main's Context, and
// the context its Head renders with (a script of its own, as templ writes
// one).
var noncePage = pages.Funcs{MainFunc: func(cx *nitro.Context) templ.Component {
	return elements.Span{Attrs: elements.Attrs{ID: "main-nonce"}, Text: templ.GetNonce(cx)}
}}

type headed struct{ pages.Funcs }

func (headed) Head(cx *nitro.Context) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		_, err := fmt.Fprintf(w, `<script nonce="%s">window.headRan=1</script>`, templ.GetNonce(ctx))
		return err
	})
}

// mustPaint serves a first paint of the page of app at /csp.
func mustPaint(tb testing.TB, app *pages.App, p pages.Page) (http.Header, string) {
	tb.Helper()
	r := chi.NewRouter()
	app.Mount(r, "/csp", p)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/csp", nil))
	if rec.Code != http.StatusOK {
		tb.Fatalf("GET /csp: %d %s", rec.Code, rec.Body)
	}
	return rec.Header(), rec.Body.String()
}

func mustServer(tb testing.TB) *nitro.Server {
	tb.Helper()
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv
}

var (
	clientNonce = regexp.MustCompile(`<script src="` + regexp.QuoteMeta(static.Path()) + `" defer nonce="([^"]*)"></script>`)
	headNonce   = regexp.MustCompile(`<script nonce="([^"]*)">window.headRan=1</script>`)
	mainNonce   = regexp.MustCompile(`<span id="main-nonce">([^<]*)</span>`)
)

// directives splits a policy into its directives' source lists, by name.
func directives(policy string) map[string][]string {
	m := map[string][]string{}
	for d := range strings.SplitSeq(policy, ";") {
		if f := strings.Fields(d); len(f) > 0 {
			m[f[0]] = f[1:]
		}
	}
	return m
}

func TestCSPFirstPaint(t *testing.T) {
	app := pages.New(mustServer(t))
	seen := map[string]bool{}
	for range 3 {
		h, body := mustPaint(t, app, headed{noncePage})
		policy := h.Get("Content-Security-Policy")
		if policy == "" {
			t.Fatal("the first paint has no Content-Security-Policy")
		}
		d := directives(policy)
		scripts := d["script-src"]
		if len(scripts) != 2 || !strings.HasPrefix(scripts[0], "'nonce-") || scripts[1] != "'strict-dynamic'" {
			t.Fatalf("script-src is %q, want a nonce and 'strict-dynamic'", scripts)
		}
		for _, bad := range []string{"'unsafe-eval'", "'unsafe-inline'", "*", "data:", "http:", "https:"} {
			if strings.Contains(strings.Join(scripts, " "), bad) {
				t.Errorf("script-src allows %s: %q", bad, policy)
			}
		}
		for name, want := range map[string]string{"object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'", "connect-src": "'self'"} {
			if got := strings.Join(d[name], " "); got != want {
				t.Errorf("%s is %q, want %q", name, got, want)
			}
		}
		nonce := strings.TrimSuffix(strings.TrimPrefix(scripts[0], "'nonce-"), "'")
		if b, err := base64.StdEncoding.DecodeString(nonce); err != nil || len(b) < 16 {
			t.Errorf("the nonce %q is not 128 bits of base64 (%v)", nonce, err)
		}
		for _, where := range []struct {
			name string
			re   *regexp.Regexp
		}{{"the client's script", clientNonce}, {"the Head's script", headNonce}, {"Main's Context", mainNonce}} {
			m := where.re.FindStringSubmatch(body)
			if m == nil || m[1] != nonce {
				t.Errorf("%s carries %q, want the header's %q:\n%s", where.name, m, nonce, body)
			}
		}
		if seen[nonce] {
			t.Errorf("the nonce %q came twice", nonce)
		}
		seen[nonce] = true
	}
}

func TestCSPConfig(t *testing.T) {
	tests := []struct {
		name   string
		csp    func(nonce string) string
		policy func(nonce string) string // the header wanted; "" for none
	}{
		{"nil is the default", nil, pages.DefaultCSP},
		{"replaced", func(n string) string { return "script-src 'nonce-" + n + "'" }, func(n string) string { return "script-src 'nonce-" + n + "'" }},
		{"off", func(string) string { return "" }, func(string) string { return "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := pages.New(mustServer(t))
			app.CSP = tt.csp
			h, body := mustPaint(t, app, noncePage)
			m := clientNonce.FindStringSubmatch(body)
			if m == nil || m[1] == "" {
				t.Fatalf("the client's script has no nonce:\n%s", body)
			}
			if got, want := h.Get("Content-Security-Policy"), tt.policy(m[1]); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func ExampleDefaultCSP() {
	fmt.Println(pages.DefaultCSP("bm9uY2U="))
	// Output: default-src 'self'; script-src 'nonce-bm9uY2U=' 'strict-dynamic'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'
}

// An App adds to the default policy (a directive it names twice keeps its
// first value, so replace a directive by writing the policy whole).
func ExampleApp_policy() {
	k, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(k)
	srv, _ := nitro.New(nitro.Config{Keys: ring})
	defer srv.Close()
	app := pages.New(srv)
	app.CSP = func(nonce string) string { return pages.DefaultCSP(nonce) + "; upgrade-insecure-requests" }
	r := chi.NewRouter()
	app.Mount(r, "/counter", &Counter{})

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/counter", nil))
	policy := w.Header().Get("Content-Security-Policy")
	fmt.Println(strings.HasPrefix(policy, "default-src 'self'; script-src 'nonce-"), strings.HasSuffix(policy, "; upgrade-insecure-requests"))
	// Output: true true
}
