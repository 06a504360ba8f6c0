package main

import (
	"reflect"
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
)

func TestScrape(t *testing.T) {
	// As package actions wires a postback, and as N2O's Erlang does.
	js := `{var x=qi("send");if(x){x[k]=function(event){if(validateSources(["message"],"send")){` +
		`ws.send(enc(tuple(atom('pickle'),bin("send"),bin("AbC-_9"),[tuple(tuple(bin("send"),bin('detail')),[]),tuple(atom("message"),querySource("message"))])));}};}}` +
		`{ws.send(enc(tuple(atom('pickle'),bin('loginButton'),bin('g2gC+/='),[tuple(tuple(string('loginButton'),bin('detail')),[]),` +
		`tuple(atom('user'),querySource('user')),tuple(atom('pass'),querySource('pass'))])));}` +
		`{ws.send(enc(tuple(atom('pickle'),bin("a\"b"),bin("P1"),[tuple(tuple(bin("a\"b"),bin('detail')),[])])));}`
	c := &client{wired: map[string]wired{}}
	c.scrape([]byte(js))
	want := map[string]wired{
		"send":        {pickle: "AbC-_9", sources: []string{"message"}},
		"loginButton": {pickle: "g2gC+/=", sources: []string{"user", "pass"}},
		`a"b`:         {pickle: "P1"},
	}
	if !reflect.DeepEqual(c.wired, want) {
		t.Errorf("scraped %+v, want %+v", c.wired, want)
	}
	tests := []struct{ trigger, want string }{{"", "send"}, {"send", "send"}, {"loginButton", "loginButton"}, {"nope", ""}}
	for _, tt := range tests {
		err := c.choose(tt.trigger, []byte(js))
		if got := c.trigger; (err != nil) != (tt.want == "") || (err == nil && got != tt.want) {
			t.Errorf("choose(%q) = %q, %v; want %q", tt.trigger, got, err, tt.want)
		}
	}
}

func TestPostbackFrame(t *testing.T) {
	c := &client{wired: map[string]wired{"loginButton": {pickle: "PK", sources: []string{"user", "pass"}}}}
	frame, err := c.postback("loginButton", map[string]string{"user": "ann", "pass": "lobby"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := bert.Decode(frame)
	if err != nil {
		t.Fatal(err)
	}
	want := bert.Tuple(bert.Atom("pickle"), bert.BinString("loginButton"), bert.BinString("PK"), bert.List(
		bert.Tuple(bert.Tuple(bert.BinString("loginButton"), bert.BinString("detail")), bert.Nil()),
		bert.Tuple(bert.Atom("user"), bert.BinString("ann")),
		bert.Tuple(bert.Atom("pass"), bert.BinString("lobby")),
	))
	if !got.Equal(want) {
		t.Errorf("frame %v, want %v", got, want)
	}
	if _, err := c.postback("send", nil); err == nil {
		t.Error("a postback on an element the page did not wire: no error")
	}
}

func TestRedirect(t *testing.T) {
	tests := []struct{ js, want string }{
		{`window.location.assign("/room?room=lobby");`, "/room?room=lobby"},
		{`qi('x').focus();window.location.assign("/room?room=a\u0026b");`, "/room?room=a&b"},
		{`window.location.href='/next';`, "/next"},
		{`alert("Please give a name.");`, ""},
	}
	for _, tt := range tests {
		if got := redirect([]byte(tt.js)); got != tt.want {
			t.Errorf("redirect(%q) = %q, want %q", tt.js, got, tt.want)
		}
	}
}

func TestMessageTag(t *testing.T) {
	a, b := messageTag("nb1", 1, 2), messageTag("nb1", 1, 23)
	if a == b || len(a) > len(b) || b[:len(a)] == a {
		t.Errorf("tag %q is a prefix of %q", a, b)
	}
}
