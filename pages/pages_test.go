package pages_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/ftp"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/pages"
	"github.com/nitrogo/framework/static"
)

func TestFirstPaint(t *testing.T) {
	d := &demo{messages: []string{"<b>hi</b> & bye"}}
	srv, h := mustApp(t, nitro.Config{}, d)
	ts := nitrotest.Serve(t, srv, h)

	resp, err := http.Get(ts.HTTP.URL + "/demo")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	html := string(body)
	for _, want := range []string{
		"<title>Demo</title>",
		`<script src="` + static.Path() + `" defer nonce="`,
		`<div id="nitro-root">`,
		"<h1>Demo page</h1>",
		"<li>&lt;b&gt;hi&lt;/b&gt; &amp; bye</li>",
		`id="send"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("first paint lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "ws.send") {
		t.Error("the first paint wires postbacks; the socket's init does that")
	}
	var token string
	for _, c := range resp.Cookies() {
		if c.Name == "X-Auth-Token" {
			token = c.Value
		}
	}
	if token == "" {
		t.Fatal("the first paint set no session cookie")
	}

	// The client script is served where the page says.
	js, err := http.Get(ts.HTTP.URL + static.Path())
	if err != nil || js.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %v %v", static.Path(), err, js.Status)
	}
	js.Body.Close()

	// The socket joins the first paint's session and renders Main again.
	c := ts.Dial("/demo", nitrotest.WithToken(token))
	io := c.Init()
	if c.Token() != token {
		t.Errorf("init changed the session: got token %q, want the first paint's", c.Token())
	}
	if !strings.Contains(io.JS, `qi("nitro-root")`) || !strings.Contains(io.JS, "Demo page") {
		t.Errorf("init did not render Main into #nitro-root: %s", io.JS)
	}
	if _, ok := c.Pickle("send"); !ok {
		t.Error("init wired no postback on #send")
	}
}

func TestPostbackAndReconnect(t *testing.T) {
	d := &demo{}
	srv, h := mustApp(t, nitro.Config{}, d)
	ts := nitrotest.Serve(t, srv, h)
	c := ts.Dial("/demo")
	c.Init()
	io := c.Click("send",
		nitrotest.Source("name", "Zoë"),
		nitrotest.Source("agree", "true"),
		nitrotest.Source("color", "red"),
		bert.Tuple(bert.Atom("born"), bert.Tuple(bert.Int(2001), bert.Int(2), bert.Int(3))),
	)
	want := "name=Zoë agree=true color=red born=true:2001-02-03"
	if got := d.reports(); len(got) != 1 || got[0] != want {
		t.Fatalf("the page saw %q, want [%q]", got, want)
	}
	if !strings.Contains(io.JS, `x.textContent="name=Zoë agree=true color=red born=true:2001-02-03"`) {
		t.Errorf("reply JS: %s", io.JS)
	}

	c.Click("post", nitrotest.Source("message", "one"))
	// A reconnect renders the page as it is now: the message once.
	again := ts.Dial("/demo", nitrotest.WithToken(c.Token()))
	io = again.Init()
	if n := strings.Count(io.JS, `\u003cli\u003eone\u003c/li\u003e`); n != 1 {
		t.Errorf("after reconnect the message shows %d times, want once: %s", n, io.JS)
	}
}

func TestServerChecksRules(t *testing.T) {
	d := &demo{}
	srv, h := mustApp(t, nitro.Config{}, d)
	ts := nitrotest.Serve(t, srv, h)
	c := ts.Dial("/demo")
	c.Init()
	tests := []struct {
		name string
		src  []bert.Term
	}{
		{"missing", nil},
		{"empty", []bert.Term{nitrotest.Source("name", "")}},
		{"too long", []bert.Term{nitrotest.Source("name", "abcdefghijk")}},
	}
	for _, tt := range tests {
		io := c.Click("send", tt.src...)
		if !strings.Contains(io.JS, "nitro-invalid") || !strings.Contains(io.JS, "a name of up to 10 characters") {
			t.Errorf("%s: the reply does not mark #name: %s", tt.name, io.JS)
		}
	}
	if got := d.reports(); len(got) != 0 {
		t.Errorf("postbacks that failed the rules reached the page: %q", got)
	}
	c.Click("send", nitrotest.Source("name", "ok"))
	if got := d.reports(); len(got) != 1 {
		t.Errorf("a valid postback did not reach the page: %q", got)
	}
}

// TestRedirect: Main redirects by calling Redirect on its Context,
// whether it returns the result or nests it in other components.
func TestRedirect(t *testing.T) {
	tests := []struct {
		name string
		main func(cx *nitro.Context) templ.Component
	}{
		{"returned", func(cx *nitro.Context) templ.Component { return pages.Redirect(cx, "/login") }},
		{"nested", func(cx *nitro.Context) templ.Component {
			return elements.Panel{Body: []templ.Component{
				elements.Heading{Level: 1, Text: "Members only"},
				pages.Redirect(cx, "/login"),
			}}
		}},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, h := mustApp(t, nitro.Config{}, pages.Funcs{MainFunc: tt.main})
			ts := nitrotest.Serve(t, srv, h)
			resp, err := client.Get(ts.HTTP.URL + "/demo")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
				t.Errorf("first paint: got %s to %q, want 303 to /login", resp.Status, resp.Header.Get("Location"))
			}
			if strings.Contains(string(body), "Members only") {
				t.Errorf("the redirect showed the page: %s", body)
			}
			c := ts.Dial("/demo")
			io := c.Init()
			if !strings.Contains(io.JS, `"/login"`) || !strings.Contains(io.JS, "location") {
				t.Errorf("init: got %s, want a change of location to /login", io.JS)
			}
			if strings.Contains(io.JS, "Members only") {
				t.Errorf("init rendered the page it redirected from: %s", io.JS)
			}
		})
	}
}

// TestRedirectOnce: a redirect holds for the render of Main that asked
// for it, not for the next init on the same socket.
func TestRedirectOnce(t *testing.T) {
	var calls atomic.Int32
	page := pages.Funcs{MainFunc: func(cx *nitro.Context) templ.Component {
		if calls.Add(1) == 1 {
			return pages.Redirect(cx, "/login")
		}
		return elements.Heading{Level: 1, Text: "Welcome"}
	}}
	srv, h := mustApp(t, nitro.Config{}, page)
	ts := nitrotest.Serve(t, srv, h)
	c := ts.Dial("/demo")
	if io := c.Init(); !strings.Contains(io.JS, "location") {
		t.Fatalf("first init did not redirect: %s", io.JS)
	}
	if io := c.Init(); !strings.Contains(io.JS, "Welcome") || strings.Contains(io.JS, "location") {
		t.Errorf("second init: got %s, want the page and no redirect", io.JS)
	}
}

// TestHandler: one handler, mounted at the page's path and at /ws and the
// path on a plain http.ServeMux, paints the page and serves its socket,
// whose postbacks reach the page.
func TestHandler(t *testing.T) {
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t)})
	if err != nil {
		t.Fatal(err)
	}
	d := &demo{}
	app := pages.New(srv)
	mux := http.NewServeMux()
	h := app.Handler(d)
	mux.Handle("/demo", h)
	mux.Handle("/ws/demo", h)
	mux.Handle(app.Static())
	ts := nitrotest.Serve(t, srv, mux)

	tests := []struct {
		method, path string
		want         int
		body         string
	}{
		{"GET", "/demo", http.StatusOK, "<h1>Demo page</h1>"},
		{"HEAD", "/demo", http.StatusOK, ""},
		{"POST", "/demo", http.StatusMethodNotAllowed, ""},
		{"GET", static.Path(), http.StatusOK, "function"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, ts.HTTP.URL+tt.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want || !strings.Contains(string(body), tt.body) {
			t.Errorf("%s %s: got %s, want %d with %q", tt.method, tt.path, resp.Status, tt.want, tt.body)
		}
	}

	c := ts.Dial("/demo")
	if io := c.Init(); !strings.Contains(io.JS, "Demo page") {
		t.Errorf("init did not render Main: %s", io.JS)
	}
	c.Click("post", nitrotest.Source("message", "hello"))
	if got := d.reports(); len(got) != 1 || got[0] != "post" {
		t.Errorf("the page saw %q, want [post]", got)
	}
}

// TestMiddleware: middleware on the router applies to the first paint and
// to the socket's handshake alike.
func TestMiddleware(t *testing.T) {
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t)})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	var mu sync.Mutex
	r := chi.NewRouter()
	r.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			mu.Lock()
			seen = append(seen, req.URL.Path)
			mu.Unlock()
			w.Header().Set("X-Seen", "yes")
			next.ServeHTTP(w, req)
		})
	})
	pages.New(srv).Mount(r, "/demo", &demo{})
	ts := nitrotest.Serve(t, srv, r)
	resp, err := http.Get(ts.HTTP.URL + "/demo")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Seen") != "yes" {
		t.Error("the first paint skipped the middleware")
	}
	ts.Dial("/demo").Init()
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[0] != "/demo" || seen[1] != "/ws/demo" {
		t.Errorf("the middleware saw %q, want [/demo /ws/demo]", seen)
	}
}

// TestUploadsOptIn: a page takes uploads only if it implements
// ftp.Gate and says yes.
func TestUploadsOptIn(t *testing.T) {
	srv, h := mustApp(t, nitro.Config{Protocols: append(nitro.DefaultProtocols(), ftp.New(ftp.Config{Dir: t.TempDir()}))}, &demo{})
	ts := nitrotest.Serve(t, srv, h)
	c := ts.Dial("/demo")
	c.Init()
	if res := c.Upload("x.bin", []byte("data")); res.Done || res.Last.Reason != "this page takes no uploads" {
		t.Errorf("a page without an upload gate took an upload: %+v", res.Last)
	}
}

// TestSecurityHeaders: every first paint forbids framing, sniffing and
// sending the page's address to other sites.
func TestSecurityHeaders(t *testing.T) {
	_, h := mustApp(t, nitro.Config{}, &demo{})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/demo", nil))
	want := map[string]string{
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	head := httptest.NewRecorder()
	h.ServeHTTP(head, httptest.NewRequest("HEAD", "/demo", nil))
	if head.Code != 200 || head.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("HEAD on a mounted page: %d, headers %v; want 200 and the same headers", head.Code, head.Header())
	}
}
