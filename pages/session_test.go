package pages_test

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/nitro/ws"
	"github.com/nitrogo/framework/pages"
)

// sessionCookieOf returns resp's session cookie, or nil.
func sessionCookieOf(resp *http.Response) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == pages.CookieName {
			return c
		}
	}
	return nil
}

// TestSessionCookieIsHttpOnly: the first paint's session cookie is
// HttpOnly and SameSite=Lax, so no script reads or overwrites it; it is
// set on every paint, so a cookie of before becomes HttpOnly too.
func TestSessionCookieIsHttpOnly(t *testing.T) {
	srv, h := mustApp(t, nitro.Config{}, &demo{})
	ts := nitrotest.Serve(t, srv, h)
	_, token, _ := srv.Authenticate("")
	for _, sent := range []string{"", token} {
		req, _ := http.NewRequest("GET", ts.HTTP.URL+"/demo", nil)
		if sent != "" {
			req.AddCookie(&http.Cookie{Name: pages.CookieName, Value: sent})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		c := sessionCookieOf(resp)
		switch {
		case c == nil:
			t.Errorf("cookie %q: the paint set no session cookie", sent)
		case !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/":
			t.Errorf("cookie %q: got %s, want HttpOnly, SameSite=Lax, Path=/", sent, c)
		case sent != "" && c.Value != sent:
			t.Errorf("a valid session cookie was replaced")
		}
	}
}

// TestStoreSession: a page's client stores a rotated session's token as
// the cookie with a POST to the page; the POST must come from the page's
// own site, with the header no form can send, and a valid token.
func TestStoreSession(t *testing.T) {
	srv, h := mustApp(t, nitro.Config{}, &demo{})
	ts := nitrotest.Serve(t, srv, h)
	_, token, _ := srv.Authenticate("")
	tests := []struct {
		name   string
		header map[string]string
		body   string
		want   int
	}{
		{"the client's", map[string]string{pages.SessionHeader: "1", "Sec-Fetch-Site": "same-origin"}, token, http.StatusNoContent},
		{"without Sec-Fetch-Site", map[string]string{pages.SessionHeader: "1"}, token, http.StatusNoContent},
		{"a form's (no header)", nil, token, http.StatusMethodNotAllowed},
		{"another site's", map[string]string{pages.SessionHeader: "1", "Sec-Fetch-Site": "cross-site"}, token, http.StatusForbidden},
		{"a forged token", map[string]string{pages.SessionHeader: "1"}, "AAAA" + token[4:], http.StatusBadRequest},
		{"a huge body", map[string]string{pages.SessionHeader: "1"}, strings.Repeat("x", 4096), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", ts.HTTP.URL+"/demo", strings.NewReader(tt.body))
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Fatalf("got %s, want %d", resp.Status, tt.want)
			}
			c := sessionCookieOf(resp)
			if stored := c != nil && c.Value == token && c.HttpOnly; stored != (tt.want == http.StatusNoContent) {
				t.Errorf("cookie %v: stored %v, want %v", c, stored, !stored)
			}
		})
	}
}

// TestRotateStoresTheCookie: a page that rotates its session sends, with
// the new token, the JavaScript that posts it to the page's address, and
// a redirect after it waits for that post.
func TestRotateStoresTheCookie(t *testing.T) {
	d := &demo{}
	srv, h := mustApp(t, nitro.Config{}, d)
	ts := nitrotest.Serve(t, srv, h)
	c := ts.Dial("/demo")
	c.Init()
	c.Send(bert.Tuple(bert.Atom("direct"), bert.Atom("rotate")))
	io := c.NextIO()
	if !io.Data.Is("Token", 2) {
		t.Fatalf("got %v, want the new token", io.Data)
	}
	for _, want := range []string{`window.nitroSession=fetch("/demo"`, `'` + pages.SessionHeader + `':'1'`, `"` + io.Data.At(1).Text() + `"`} {
		if !strings.Contains(io.JS, want) {
			t.Errorf("the new token's JavaScript lacks %s: %s", want, io.JS)
		}
	}
}

// TestSessionCookieSecure: the cookie is Secure when the browser used
// https: TLS ended by a proxy counts only when the proxy is trusted.
func TestSessionCookieSecure(t *testing.T) {
	for _, tt := range []struct {
		name    string
		proxies []netip.Prefix
		proto   string
		secure  bool
	}{
		{"plain http", nil, "", false},
		{"https by a trusted proxy", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, "https", true},
		{"https by anyone", nil, "https", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t)})
			if err != nil {
				t.Fatal(err)
			}
			app := pages.New(srv)
			app.Sockets = ws.New(srv, ws.Config{TrustedProxies: tt.proxies})
			ts := nitrotest.Serve(t, srv, app.Handler(&demo{}))
			req, _ := http.NewRequest("GET", ts.HTTP.URL+"/demo", nil)
			if tt.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if c := sessionCookieOf(resp); c == nil || c.Secure != tt.secure {
				t.Errorf("cookie %v, want Secure %v", c, tt.secure)
			}
		})
	}
}
