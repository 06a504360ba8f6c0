package ws

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Which browsers may open a socket (Origin) and by which names (Host).
// Both are read from the request only: nothing here is per connection.

// hostPattern is an entry of Config.Hosts: name is in lower case, without
// a trailing dot, and may start with "*."; port is "" for any.
type hostPattern struct{ name, port string }

func parseHosts(hosts []string) (pats []hostPattern, anyHost bool) {
	for _, h := range hosts {
		if h == "*" {
			anyHost = true
			continue
		}
		if h == "" || strings.Contains(h, "/") {
			panic(fmt.Sprintf("ws: Config.Hosts entry %q: want a host or host:port, not an origin or URL", h))
		}
		name, port := splitHost(h)
		pats = append(pats, hostPattern{name, port})
	}
	return pats, anyHost
}

func (p hostPattern) match(name, port string) bool {
	if p.port != "" && p.port != port {
		return false
	}
	if parent, ok := strings.CutPrefix(p.name, "*."); ok {
		sub, ok := strings.CutSuffix(name, "."+parent)
		return ok && sub != ""
	}
	return name == p.name
}

// AllowedHost reports whether r's Host is a name the server answers to:
// one that Config.Hosts lists or, when it lists none, one that cannot be
// an attacker's name pointed at a server on this machine (see Config.Hosts).
// Serve refuses a socket it does not allow; a handler of ordinary
// requests, such as a page's first paint, may ask it too, to refuse them
// alike.
func (e *Endpoint) AllowedHost(r *http.Request) bool {
	if e.anyHost {
		return true
	}
	name, port := splitHost(r.Host)
	if len(e.hosts) > 0 {
		if port == "" {
			port = defaultPort(e.Scheme(r))
		}
		for _, p := range e.hosts {
			if p.match(name, port) {
				return true
			}
		}
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil || name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true // no DNS answer chose where these lead
	}
	return !onLoopback(r)
}

// onLoopback reports whether r's connection arrived on a loopback address.
// One whose local address is unknown (a handler called by a test, a Unix
// socket) is taken as not.
func onLoopback(r *http.Request) bool {
	a, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}

// splitHost splits a Host ("Example.com:8080", "[::1]:80", "[::1]") into a
// name in lower case without a trailing dot, and a port, "" when none.
func splitHost(hostport string) (name, port string) {
	name = hostport
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		name, port = h, p
	}
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	return strings.TrimSuffix(strings.ToLower(name), "."), port
}

// allowedOrigin reports whether r may come from its Origin: the page's own
// (same scheme and host), or one of Config.Origins. A request without
// Origin is not from a browser, and is allowed.
func (e *Endpoint) allowedOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || e.anyOrig {
		return true
	}
	o := canonOrigin(origin)
	return o == e.ownOrigin(r) || e.origins[o]
}

// ownOrigin is the origin r was sent to, as canonOrigin writes it.
func (e *Endpoint) ownOrigin(r *http.Request) string {
	return joinOrigin(e.Scheme(r), r.Host)
}

// Scheme is the scheme the browser used for r: https on TLS, or when a
// proxy of Config.TrustedProxies says so (it ended TLS for us); anyone
// else's X-Forwarded-Proto is ignored, as anyone can write one. Pages
// mark their cookies Secure by it.
func (e *Endpoint) Scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
		// Each proxy that appends writes after the client's: the first is
		// what the browser used.
		first, _, _ := strings.Cut(proto, ",")
		if strings.EqualFold(strings.TrimSpace(first), "https") && e.trusted(peerIP(r)) {
			return "https"
		}
	}
	return "http"
}

// canonOrigin is origin as compared: scheme and host in lower case, and no
// port when it is the scheme's default, so that http://x:80 is http://x.
func canonOrigin(origin string) string {
	u, err := url.Parse(origin)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return strings.ToLower(origin) // "null", say, which an allowlist may name
	}
	return joinOrigin(u.Scheme, u.Host)
}

func joinOrigin(scheme, host string) string {
	scheme, host = strings.ToLower(scheme), strings.ToLower(host)
	if h, port, err := net.SplitHostPort(host); err == nil && (port == "" || port == defaultPort(scheme)) {
		host = h
		if strings.Contains(h, ":") {
			host = "[" + h + "]"
		}
	}
	return scheme + "://" + host
}

func defaultPort(scheme string) string {
	switch scheme {
	case "https", "wss":
		return "443"
	case "http", "ws":
		return "80"
	}
	return ""
}
