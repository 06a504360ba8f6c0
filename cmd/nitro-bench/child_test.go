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
		{"localhost:8000", false}, // a name: refused rather than resolved
		{"no-port", false},
	}
	for _, tt := range tests {
		if err := loopbackOnly(tt.addr); (err == nil) != tt.ok {
			t.Errorf("loopbackOnly(%q) = %v, want allowed %v", tt.addr, err, tt.ok)
		}
	}
}

func TestPickleScraping(t *testing.T) {
	js := `{var x=qi("send");x[k]=function(event){ws.send(enc(tuple(atom('pickle'),bin("send"),bin("AbC-_9"),[])))}}` +
		`{var x=qi('old');ws.send(enc(tuple(atom('pickle'),bin('old'),bin('XyZ'),[])))}`
	tests := []struct{ trigger, want string }{{"", "send"}, {"send", "send"}, {"old", "old"}}
	for _, tt := range tests {
		var got string
		for _, m := range pickleRE.FindAllStringSubmatch(js, -1) {
			if tt.trigger == "" || m[1] == tt.trigger {
				got = m[1]
				break
			}
		}
		if got != tt.want {
			t.Errorf("trigger %q: found %q, want %q", tt.trigger, got, tt.want)
		}
	}
}
