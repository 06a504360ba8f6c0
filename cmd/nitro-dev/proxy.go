package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nitrogo/framework/livereload"
)

// proxyWait bounds how long a request waits for a restarting app.
const proxyWait = 10 * time.Second

// proxy is what the browser talks to: the livereload endpoints, the
// esbuild-built assets, and the app behind a reverse proxy that injects
// the livereload script into its HTML.
type proxy struct {
	d         *devServer
	mux       *http.ServeMux
	transport *http.Transport
	assets    *assets
}

func newProxy(d *devServer) *proxy {
	p := &proxy{d: d, mux: http.NewServeMux()}
	p.transport = &http.Transport{
		DialContext:         p.dial,
		MaxIdleConnsPerHost: 32,
		IdleConnTimeout:     30 * time.Second,
	}
	target := &url.URL{Scheme: "http", Host: d.appAddr}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host // the app sees the browser's Host (WebSocket origin checks)
			pr.SetXForwarded()
			// Ask for identity encoding, so that HTML can be edited.
			pr.Out.Header.Del("Accept-Encoding")
		},
		Transport:      retry{p},
		ModifyResponse: p.inject,
		ErrorHandler:   p.unavailable,
		FlushInterval:  -1, // stream: server-sent events, long polls
	}
	p.assets = newAssets(d)
	p.mux.Handle(d.hub.Path(), d.hub)
	p.mux.Handle(d.hub.Path()+".js", d.hub)
	p.mux.Handle("/", p.assets.wrap(rp))
	return p
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.mux.ServeHTTP(w, r) }

// dial connects to the app, retrying while it is restarting, so that a
// request during a restart waits for the new app instead of failing.
func (p *proxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	deadline := time.Now().Add(proxyWait)
	for {
		c, err := d.DialContext(ctx, network, addr)
		if err == nil || !p.d.running() || time.Now().After(deadline) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// retry sends requests to the app, and resends a GET or HEAD that failed
// while the app restarts: one that reached the old app as it was stopped.
type retry struct{ p *proxy }

func (rt retry) RoundTrip(req *http.Request) (*http.Response, error) {
	deadline := time.Now().Add(proxyWait)
	for {
		resp, err := rt.p.transport.RoundTrip(req)
		if err == nil || req.Method != http.MethodGet && req.Method != http.MethodHead ||
			req.Body != nil && req.Body != http.NoBody || !rt.p.d.running() || time.Now().After(deadline) {
			return resp, err
		}
		select {
		case <-req.Context().Done():
			return nil, err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// inject adds the livereload script to an HTML response, with the
// response's script nonce: a page under a nonce CSP runs no other script.
func (p *proxy) inject(resp *http.Response) error {
	if !livereload.IsHTML(resp.Header) || resp.StatusCode == http.StatusNoContent ||
		resp.StatusCode == http.StatusNotModified || resp.Request.Method == http.MethodHead {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	body = livereload.InjectHTML(body, livereload.NonceTag(p.d.hub.ScriptTag(), resp.Header))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header.Del("ETag") // the body is not the app's any more
	return nil
}

// unavailable answers when the app cannot be reached: a page that carries
// the livereload script, so it shows the build error and reloads when
// the app is back.
func (p *proxy) unavailable(w http.ResponseWriter, r *http.Request, err error) {
	p.d.log.Printf("proxy: %s %s: %v", r.Method, r.URL.Path, err)
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.Error(w, "nitro-dev: the app is not running: "+err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprintf(w, "<!doctype html><title>nitro-dev</title><body><p>nitro-dev: the app is not running: %s</p>%s</body>",
		html.EscapeString(err.Error()), p.d.hub.ScriptTag())
}
