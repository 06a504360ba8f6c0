package ws_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/internal/testlog"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/nitro/ws"
)

// mustEndpoint returns the endpoint of a fresh server, logging to log (nil
// for the default).
func mustEndpoint(tb testing.TB, cfg ws.Config, log *slog.Logger) *ws.Endpoint {
	tb.Helper()
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(tb), Logger: log})
	if err != nil {
		tb.Fatalf("nitro.New: %v", err)
	}
	tb.Cleanup(func() { srv.Close() })
	return ws.New(srv, cfg)
}

// originCase is a socket request to url (https: for one that came on TLS)
// from remote (192.0.2.1 when ""), with these Origin and X-Forwarded-Proto.
type originCase struct {
	name, url, remote, proto, origin string
	want                             bool
}

func testOrigins(t *testing.T, cfg ws.Config, tests []originCase) {
	t.Helper()
	e := mustEndpoint(t, cfg, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.url, nil)
			if tt.remote != "" {
				r.RemoteAddr = tt.remote
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			if tt.origin != "" {
				r.Header.Set("Origin", tt.origin)
			}
			if got := e.AllowedOrigin(r); got != tt.want {
				t.Errorf("Origin %q to %s (from %s, X-Forwarded-Proto %q): allowed = %v, want %v",
					tt.origin, tt.url, r.RemoteAddr, tt.proto, got, tt.want)
			}
		})
	}
}

// TestOriginScheme: the page's own origin has the request's scheme, https
// on TLS or when a trusted proxy says so; anyone else's
// X-Forwarded-Proto is ignored.
func TestOriginScheme(t *testing.T) {
	proxy := "10.0.0.2:4000"
	testOrigins(t, ws.Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}, []originCase{
		{name: "same origin", url: "http://app.example/ws/", origin: "http://app.example", want: true},
		{name: "same origin on TLS", url: "https://app.example/ws/", origin: "https://app.example", want: true},
		{name: "http page, TLS request", url: "https://app.example/ws/", origin: "http://app.example", want: false},
		{name: "https page, plain http request", url: "http://app.example/ws/", origin: "https://app.example", want: false},
		{name: "trusted proxy ended TLS", url: "http://app.example/ws/", remote: proxy, proto: "https", origin: "https://app.example", want: true},
		{name: "trusted proxy ended TLS, http page", url: "http://app.example/ws/", remote: proxy, proto: "https", origin: "http://app.example", want: false},
		{name: "trusted proxy, plain http", url: "http://app.example/ws/", remote: proxy, proto: "http", origin: "http://app.example", want: true},
		{name: "trusted proxy, plain http, https page", url: "http://app.example/ws/", remote: proxy, proto: "http", origin: "https://app.example", want: false},
		{name: "trusted proxies' list: the first is the browser's", url: "http://app.example/ws/", remote: proxy, proto: "HTTPS, http", origin: "https://app.example", want: true},
		{name: "untrusted X-Forwarded-Proto ignored", url: "http://app.example/ws/", proto: "https", origin: "https://app.example", want: false},
		{name: "untrusted X-Forwarded-Proto ignored, http page", url: "http://app.example/ws/", proto: "https", origin: "http://app.example", want: true},
		{name: "no Origin: not a browser", url: "https://app.example/ws/", want: true},
	})
}

// TestOriginPorts: a default port is the same as none, and hosts compare
// in any case.
func TestOriginPorts(t *testing.T) {
	testOrigins(t, ws.Config{}, []originCase{
		{name: "http :80 in Origin", url: "http://app.example/ws/", origin: "http://app.example:80", want: true},
		{name: "https :443 in Origin", url: "https://app.example/ws/", origin: "https://app.example:443", want: true},
		{name: "http :80 in Host", url: "http://app.example:80/ws/", origin: "http://app.example", want: true},
		{name: "https :443 in Host", url: "https://app.example:443/ws/", origin: "https://app.example", want: true},
		{name: "IPv6 :80", url: "http://[::1]/ws/", origin: "http://[::1]:80", want: true},
		{name: "case", url: "http://App.Example:8080/ws/", origin: "HTTP://app.EXAMPLE:8080", want: true},
		{name: "another port", url: "http://app.example/ws/", origin: "http://app.example:8080", want: false},
		{name: ":80 is not https's default", url: "https://app.example/ws/", origin: "https://app.example:80", want: false},
		{name: "no port is not :8080", url: "http://app.example:8080/ws/", origin: "http://app.example", want: false},
	})
}

// TestOriginAllowlist: Config.Origins names other origins, compared as the
// page's own is; "*" allows any.
func TestOriginAllowlist(t *testing.T) {
	const url = "http://server.internal/ws/"
	testOrigins(t, ws.Config{Origins: []string{"https://App.Example:443/", "http://localhost:3000", "null"}}, []originCase{
		{name: "listed", url: url, origin: "https://app.example", want: true},
		{name: "listed, as written", url: url, origin: "https://app.example:443", want: true},
		{name: "listed, dev server", url: url, origin: "http://localhost:3000", want: true},
		{name: "listed null", url: url, origin: "null", want: true},
		{name: "listed, other scheme", url: url, origin: "http://app.example", want: false},
		{name: "listed, other port", url: url, origin: "https://app.example:8443", want: false},
		{name: "listed name as a prefix", url: url, origin: "https://app.example.evil", want: false},
		{name: "not listed", url: url, origin: "https://evil.example", want: false},
	})
	t.Run("*", func(t *testing.T) {
		testOrigins(t, ws.Config{Origins: []string{"*"}}, []originCase{
			{name: "other site", url: url, origin: "https://evil.example", want: true},
			{name: "other scheme", url: "https://server.internal/ws/", origin: "http://server.internal", want: true},
		})
	})
}

// hostCase is a request to url (https: for one that came on TLS) that
// arrived on the local address local ("" for unknown).
type hostCase struct {
	name, url, local string
	want             bool
}

func testHosts(t *testing.T, cfg ws.Config, tests []hostCase) {
	t.Helper()
	e := mustEndpoint(t, cfg, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tt.url, nil)
			if tt.local != "" {
				ap := netip.MustParseAddrPort(tt.local)
				r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, net.TCPAddrFromAddrPort(ap)))
			}
			if got := e.AllowedHost(r); got != tt.want {
				t.Errorf("Host %q on %q: allowed = %v, want %v", r.Host, tt.local, got, tt.want)
			}
		})
	}
}

// TestHostAllowlist: with Config.Hosts, only the names it lists; a port
// absent from Host is the scheme's default.
func TestHostAllowlist(t *testing.T) {
	const lo = "127.0.0.1:8000"
	testHosts(t, ws.Config{Hosts: []string{"App.Example", "*.tenant.example", "admin.example:8443", "secure.example:443", "[::1]:9000"}}, []hostCase{
		{name: "listed", url: "http://app.example/", local: lo, want: true},
		{name: "listed, any port", url: "http://app.example:8080/", local: lo, want: true},
		{name: "case and trailing dot", url: "http://APP.example./", local: lo, want: true},
		{name: "wildcard", url: "http://a.tenant.example/", local: lo, want: true},
		{name: "wildcard, deeper", url: "https://b.a.tenant.example:8443/", local: lo, want: true},
		{name: "wildcard is not its parent", url: "http://tenant.example/", local: lo, want: false},
		{name: "wildcard is a whole label", url: "http://eviltenant.example/", local: lo, want: false},
		{name: "host:port", url: "https://admin.example:8443/", local: lo, want: true},
		{name: "host:port, other port", url: "https://admin.example/", local: lo, want: false},
		{name: "host:443, default port", url: "https://secure.example/", local: lo, want: true},
		{name: "host:443, http's default", url: "http://secure.example/", local: lo, want: false},
		{name: "IPv6 host:port", url: "http://[::1]:9000/", local: "[::1]:9000", want: true},
		{name: "not listed", url: "http://attacker.example:8000/", local: lo, want: false},
		{name: "not listed, public address", url: "http://attacker.example/", local: "192.0.2.10:80", want: false},
		{name: "IP not listed", url: "http://127.0.0.1:8000/", local: lo, want: false},
		{name: "localhost not listed", url: "http://localhost:8000/", local: lo, want: false},
	})
	t.Run("*", func(t *testing.T) {
		testHosts(t, ws.Config{Hosts: []string{"*"}}, []hostCase{
			{name: "any name on loopback", url: "http://attacker.example:8000/", local: lo, want: true},
		})
	})
}

// TestHostDefault: without Config.Hosts, a name that DNS may point
// anywhere is refused on a loopback address (DNS rebinding of a server on
// the developer's machine) and allowed on any other.
func TestHostDefault(t *testing.T) {
	testHosts(t, ws.Config{}, []hostCase{
		{name: "rebinding on loopback", url: "http://attacker.example:8000/", local: "127.0.0.1:8000", want: false},
		{name: "rebinding on 127.0.0.2", url: "http://attacker.example:8000/", local: "127.0.0.2:8000", want: false},
		{name: "rebinding on IPv6 loopback", url: "http://attacker.example:8000/", local: "[::1]:8000", want: false},
		{name: "rebinding on v4-mapped loopback", url: "http://attacker.example:8000/", local: "[::ffff:127.0.0.1]:8000", want: false},
		{name: "not under .localhost", url: "http://localhost.attacker.example:8000/", local: "127.0.0.1:8000", want: false},
		{name: "name on a public address", url: "http://attacker.example/", local: "192.0.2.10:80", want: true},
		{name: "own name on a public address", url: "https://app.example/", local: "[2001:db8::1]:443", want: true},
		{name: "local address unknown", url: "http://app.example/", want: true},
		{name: "localhost", url: "http://localhost:8080/", local: "127.0.0.1:8080", want: true},
		{name: "localhost, case and dot", url: "http://LocalHost.:8080/", local: "127.0.0.1:8080", want: true},
		{name: "under .localhost", url: "http://app.localhost:8080/", local: "127.0.0.1:8080", want: true},
		{name: "IPv4", url: "http://127.0.0.1:8080/", local: "127.0.0.1:8080", want: true},
		{name: "IPv6", url: "http://[::1]:8080/", local: "[::1]:8080", want: true},
		{name: "LAN address", url: "http://192.168.1.5:8080/", local: "127.0.0.1:8080", want: true},
	})
}

// TestRefusedSocket: over a real connection, a socket with a foreign Host
// or Origin is answered 403 with what to do, and logged; the page's own,
// by "localhost" or by address, on http and on TLS, opens.
func TestRefusedSocket(t *testing.T) {
	var log testlog.Buffer
	e := mustEndpoint(t, ws.Config{}, slog.New(slog.NewTextHandler(&log, nil)))
	h := e.Handler(nitro.PageFunc(func(*nitro.Context, any) {}))
	plain, tls := httptest.NewServer(h), httptest.NewTLSServer(h)
	t.Cleanup(plain.Close)
	t.Cleanup(tls.Close)
	dialer := &websocket.Dialer{TLSClientConfig: tls.Client().Transport.(*http.Transport).TLSClientConfig}

	tests := []struct {
		name   string
		srv    *httptest.Server
		host   string // "" for the server's address; "localhost" keeps its port
		origin string // "own" for the page's own
		want   string // in the 403's body; "" for a socket
		log    string // in the log line of the refusal
	}{
		{name: "own origin", srv: plain, origin: "own"},
		{name: "own origin on TLS", srv: tls, origin: "own"},
		{name: "localhost", srv: plain, host: "localhost", origin: "own"},
		{name: "rebinding Host on loopback", srv: plain, host: "attacker.example", origin: "own", want: "ws.Config.Hosts", log: "host not allowed"},
		{name: "http page on TLS", srv: tls, origin: "http://HOST", want: "ws.Config.Origins", log: "origin not allowed"},
		{name: "https page on http", srv: plain, origin: "https://HOST", want: "ws.Config.TrustedProxies", log: "origin not allowed"},
		{name: "other site", srv: plain, origin: "https://evil.example", want: "ws.Config.Origins", log: "origin not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := strings.TrimPrefix(strings.TrimPrefix(tt.srv.URL, "http://"), "https://")
			host := addr
			if tt.host != "" {
				_, port, _ := net.SplitHostPort(addr)
				host = net.JoinHostPort(tt.host, port)
			}
			origin := strings.ReplaceAll(tt.origin, "HOST", host)
			if tt.origin == "own" {
				origin = strings.Replace(tt.srv.URL, addr, host, 1)
			}
			header := http.Header{"Host": {host}, "Origin": {origin}}
			url := "ws" + strings.TrimPrefix(tt.srv.URL, "http") + "/ws/"
			logged := len(log.String())
			c, resp, err := dialer.Dial(url, header)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Host %q, Origin %q: %v, want a socket", host, origin, err)
				}
				c.Close()
				return
			}
			if err == nil {
				c.Close()
				t.Fatalf("Host %q, Origin %q: a socket, want 403", host, origin)
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Fatalf("Host %q, Origin %q: %v, want 403", host, origin, err)
			}
			body, _ := io.ReadAll(resp.Body)
			if !strings.Contains(string(body), tt.want) {
				t.Errorf("403 says %q, want it to say %s", body, tt.want)
			}
			if line := log.String()[logged:]; !strings.Contains(line, tt.log) || !strings.Contains(line, host) {
				t.Errorf("logged %q, want %q, with %s", line, tt.log, host)
			}
		})
	}
}
