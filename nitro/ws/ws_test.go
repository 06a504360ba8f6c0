package ws_test

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/nitro/ws"
)

func TestOriginCheck(t *testing.T) {
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": nitro.PageFunc(func(*nitro.Context, any) {})},
		nitrotest.WithWS(ws.Config{Origins: []string{"https://app.example"}}))
	tests := []struct {
		origin string
		ok     bool
	}{
		{"", true}, // not a browser
		{srv.HTTP.URL, true},
		{"https://app.example", true},
		{"https://evil.example", false},
		{"http://app.example", false}, // the scheme counts
		{"https://app.example.evil", false},
	}
	for _, tt := range tests {
		var opts []nitrotest.DialOption
		if tt.origin != "" {
			opts = append(opts, nitrotest.WithHeader("Origin", tt.origin))
		}
		_, resp, err := srv.TryDial("/", opts...)
		if (err == nil) != tt.ok {
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			t.Errorf("origin %q: dial error %v (HTTP %d), want allowed = %v", tt.origin, err, status, tt.ok)
		}
	}
}

// TestPeer: a page reads its browser's address and request headers on its
// Context (N2O's wf:peer); the handshake's own headers are left out.
func TestPeer(t *testing.T) {
	got := make(chan nitro.Peer, 1)
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Init); ok {
			got <- cx.Peer()
		}
	})
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	c := srv.Dial("/", nitrotest.WithHeader("Accept-Language", "fr"), nitrotest.WithHeader("X-Forwarded-For", "10.1.2.3"),
		nitrotest.WithHeader("Cookie", "theme=dark; X-Auth-Token=secret; lang=fr"))
	c.Init()
	p := <-got
	if !strings.HasPrefix(p.Addr, "127.0.0.1:") {
		t.Errorf("Addr = %q, want 127.0.0.1:port", p.Addr)
	}
	if p.Header.Get("Accept-Language") != "fr" || p.Header.Get("X-Forwarded-For") != "10.1.2.3" {
		t.Errorf("Header = %v, want Accept-Language fr and X-Forwarded-For 10.1.2.3", p.Header)
	}
	if p.Header.Get("Sec-Websocket-Key") != "" || p.Header.Get("Upgrade") != "" {
		t.Errorf("Header = %v: the handshake's headers should be left out", p.Header)
	}
	if got := p.Header.Get("Cookie"); got != "theme=dark; lang=fr" {
		t.Errorf("Cookie = %q, want the other cookies without the session token", got)
	}
}

// TestReadLimit: a message over ReadLimit closes the socket with 1009;
// the page sees Exit.
func TestReadLimit(t *testing.T) {
	exit := make(chan error, 1)
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if e, ok := ev.(nitro.Exit); ok {
			exit <- e.Err
		}
	})
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": page}, nitrotest.WithWS(ws.Config{ReadLimit: 1024}))
	c := srv.Dial("/")
	c.Init()
	c.Send(bert.BinString(strings.Repeat("x", 2000)))
	if err := c.Closed(nitrotest.Timeout); err == nil || !strings.Contains(err.Error(), "1009") {
		t.Errorf("closed with %v, want 1009", err)
	}
	select {
	case err := <-exit:
		if err == nil {
			t.Error("Exit with a nil error, want why")
		}
	case <-time.After(nitrotest.Timeout):
		t.Fatal("no Exit")
	}
}

// TestServerCloseCode: closing the server tells each page 1001 (going
// away), so its client reconnects, to the next server.
func TestServerCloseCode(t *testing.T) {
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": nitro.PageFunc(func(*nitro.Context, any) {})})
	c := srv.Dial("/")
	c.Init()
	srv.Server.Close()
	if err := c.Closed(nitrotest.Timeout); err == nil || !strings.Contains(err.Error(), "1001") {
		t.Errorf("closed with %v, want 1001", err)
	}
	if _, resp, err := srv.TryDial("/"); err == nil || resp == nil || resp.StatusCode != 503 {
		t.Errorf("dial after close: %v, want 503", err)
	}
}

// parseFrame reads one server frame (RFC 6455 §5.2) from b.
func parseFrame(t *testing.T, b []byte) (op byte, payload, rest []byte) {
	t.Helper()
	f, err := readFrame(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	n := len(f.payload) + 2
	if len(f.payload) >= 126 {
		n += 2
	}
	if len(f.payload) > 0xffff {
		n += 6
	}
	return f.op, f.payload, b[n:]
}

// TestFrameLengths: every length takes the shortest of the three forms.
func TestFrameLengths(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 127, 1000, 0xffff, 0x10000, 70000} {
		payload := bytes.Repeat([]byte{'a' + byte(n%26)}, n)
		b := ws.AppendFrame(nil, 2, payload)
		op, got, rest := parseFrame(t, b)
		if op != 2 || !bytes.Equal(got, payload) || len(rest) != 0 {
			t.Errorf("%d bytes: op %d, payload of %d bytes (equal: %v), %d left over", n, op, len(got), bytes.Equal(got, payload), len(rest))
		}
		if n == 126 && binary.BigEndian.Uint16(b[2:]) != 126 {
			t.Errorf("126 bytes: length field % x", b[:4])
		}
	}
}

// TestInitTimeout: a socket that never sends init is closed (1008), even
// though it answers the server's pings; one that does is left alone.
func TestInitTimeout(t *testing.T) {
	srv := nitrotest.NewServer(t, nitro.Config{InitTimeout: 300 * time.Millisecond},
		map[string]nitro.Page{"/": nitro.PageFunc(func(*nitro.Context, any) {})},
		nitrotest.WithWS(ws.Config{PingInterval: 50 * time.Millisecond}))
	silent := srv.Dial("/")
	polite := srv.Dial("/")
	polite.Init()
	start := time.Now()
	if err := silent.Closed(nitrotest.Timeout); err == nil || !strings.Contains(err.Error(), "1008") {
		t.Fatalf("the silent socket: closed with %v, want 1008", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("closed after %v, want about 300ms", d)
	}
	time.Sleep(400 * time.Millisecond)
	polite.Ping() // still served
}

// TestMaxPerIP: past MaxPerIP sockets from one client, one more is
// refused with 429 and a message, until one closes. X-Forwarded-For names
// the client only when a trusted proxy sends it.
func TestMaxPerIP(t *testing.T) {
	page := map[string]nitro.Page{"/": nitro.PageFunc(func(*nitro.Context, any) {})}
	t.Run("direct", func(t *testing.T) {
		srv := nitrotest.NewServer(t, nitro.Config{}, page, nitrotest.WithWS(ws.Config{MaxPerIP: 2}))
		a, b := srv.Dial("/"), srv.Dial("/")
		a.Init()
		b.Init()
		_, resp, err := srv.TryDial("/", nitrotest.WithHeader("X-Forwarded-For", "10.0.0.9")) // not trusted
		if err == nil || resp == nil || resp.StatusCode != 429 {
			t.Fatalf("a third socket: %v, want 429", err)
		}
		b.Close()
		deadline := time.Now().Add(nitrotest.Timeout)
		for {
			c, _, err := srv.TryDial("/")
			if err == nil {
				c.Init()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after one closed, a socket is still refused: %v", err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
	t.Run("behind a trusted proxy", func(t *testing.T) {
		srv := nitrotest.NewServer(t, nitro.Config{}, page, nitrotest.WithWS(ws.Config{MaxPerIP: 1,
			TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}))
		for _, xff := range []string{"10.0.0.1", "10.0.0.2", "192.0.2.7, 10.0.0.3"} {
			srv.Dial("/", nitrotest.WithHeader("X-Forwarded-For", xff)).Init()
		}
		if _, resp, err := srv.TryDial("/", nitrotest.WithHeader("X-Forwarded-For", "10.0.0.1")); err == nil || resp.StatusCode != 429 {
			t.Errorf("a second socket of 10.0.0.1: %v, want 429", err)
		}
	})
}
