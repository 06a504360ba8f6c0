package main

import "testing"

func TestLoopbackOnly(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8000", true},
		{"127.0.0.2:8000", true},
		{"[::1]:8000", true},
		{"10.0.0.1:8000", false},
		{"192.168.1.1:80", false},
		{"8.8.8.8:53", false},
		{"[::ffff:8.8.8.8]:53", false},
		{"0.0.0.0:8000", false},
		{"localhost:8000", false}, // a name: refused rather than resolved
		{"no-port", false},
	}
	for _, tt := range tests {
		if err := loopbackOnly(tt.addr); (err == nil) != tt.ok {
			t.Errorf("loopbackOnly(%q) = %v, want allowed %v", tt.addr, err, tt.ok)
		}
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		raw, ws string // ws "" means refused
	}{
		{"http://127.0.0.1:8000/login", "ws://127.0.0.1:8000/ws/login"},
		{"http://127.0.0.1/room?room=a", "ws://127.0.0.1:80/ws/room?room=a"},
		{"http://[::1]:9000", "ws://[::1]:9000/ws/"},
		{"http://10.1.2.3:8000/login", ""},
		{"http://example.com/login", ""},
		{"http://localhost:8000/", ""},
		{"https://127.0.0.1:8000/", ""},
		{"127.0.0.1:8000", ""},
	}
	for _, tt := range tests {
		u, err := parseTarget(tt.raw)
		switch {
		case tt.ws == "" && err == nil:
			t.Errorf("parseTarget(%q) = %v, want refused", tt.raw, u)
		case tt.ws != "" && err != nil:
			t.Errorf("parseTarget(%q): %v", tt.raw, err)
		case tt.ws != "" && wsURL(u) != tt.ws:
			t.Errorf("parseTarget(%q): socket %q, want %q", tt.raw, wsURL(u), tt.ws)
		}
	}
}
