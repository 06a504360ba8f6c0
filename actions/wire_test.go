package actions_test

import (
	"strings"
	"testing"

	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

func TestWireSemicolon(t *testing.T) {
	tests := []struct{ in, want string }{
		{"f()", "f();"},
		{"f();", "f();"},
		{"f();\n", "f();\n"},
		{"if(a){b()}", "if(a){b()};"},
		{"", ""},
	}
	for _, tt := range tests {
		cx := mustContext(t)
		actions.Wire(cx, tt.in)
		if got := string(cx.TakeJS()); got != tt.want {
			t.Errorf("Wire(%q) queued %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPostbackRoundTrip serves a page whose postbacks are wired by Event
// and Confirm, and clicks them with nitrotest's client, which speaks the
// real protocol: the page gets its postbacks and their sources.
func TestPostbackRoundTrip(t *testing.T) {
	const odd = `send "now" <b>`
	page := nitrotest.Record(nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			actions.Event{Target: "send", Postback: bert.Atom("send"), Source: []string{"message"}}.Wire(cx)
			actions.Event{Target: odd, Postback: bert.Atom("odd")}.Wire(cx)
			actions.Confirm(cx, "Sure?", bert.Atom("sure"))
		case nitro.Postback:
			actions.UpdateText(cx, "out", e.Msg.String()+" from "+e.Trigger+": "+cx.QText("message"))
		}
	}))
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/chat": page})
	c := srv.Dial("/chat")
	c.Init()
	for _, tt := range []struct {
		id, want string
	}{
		{"send", `send from send: hi`},
		{odd, `odd from ` + odd + `: hi`},
		{actions.ConfirmTrigger, `sure from confirm: hi`},
	} {
		io := c.Click(tt.id, nitrotest.Source("message", "hi"))
		if !strings.Contains(io.JS, actions.Quote(tt.want)) {
			t.Errorf("click on %q: got %s, want text %q", tt.id, io.JS, tt.want)
		}
	}
}
