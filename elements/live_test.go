package elements_test

import (
	"io"
	"sync"
	"testing"

	"github.com/a-h/templ"
	. "github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// TestLive runs a page over a real socket: its Init renders a form (the
// JavaScript wiring goes out with the reply), the client fires the
// postback with field values as the browser would, and the page checks
// them with CheckPostback, as the pages package does.
func TestLive(t *testing.T) {
	type verdict struct {
		msg      bert.Term
		problems map[string]string
	}
	var mu sync.Mutex
	var got []verdict
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch ev := ev.(type) {
		case nitro.Init:
			form := Form{Attrs: Attrs{ID: "signup"}, Postback: bert.Atom("signup"), Source: []string{"name", "age", "terms"},
				Body: []templ.Component{
					Textbox{Attrs: Attrs{ID: "name"}, Validate: Rule{Required: true, MaxLen: 8}},
					Number{Attrs: Attrs{ID: "age"}, Validate: Rule{Min: f64(18)}},
					Checkbox{Attrs: Attrs{ID: "terms"}, Text: "Terms", Validate: Rule{Required: true}},
				}}
			if err := form.Render(cx, io.Discard); err != nil {
				t.Errorf("Render: %v", err)
			}
		case nitro.Postback:
			msg, problems := CheckPostback(ev.Msg, cx.Q)
			mu.Lock()
			got = append(got, verdict{msg.Clone(), problems})
			mu.Unlock()
		}
	})
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/signup": page})
	c := srv.Dial("/signup")
	c.Init()
	c.Click("signup", nitrotest.Source("name", "Ann"), nitrotest.Source("age", "30"), nitrotest.Source("terms", "true"))
	c.Click("signup", nitrotest.Source("name", "Annabel Lee"), nitrotest.Source("age", "12"), nitrotest.Source("terms", "false"))
	// A hostile client skips the browser's checks and sends no fields.
	c.Click("signup")

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 {
		t.Fatalf("got %d postbacks, want 3", len(got))
	}
	for i, v := range got {
		if !v.msg.Equal(bert.Atom("signup")) {
			t.Errorf("postback %d: got %v, want signup", i, v.msg)
		}
	}
	if got[0].problems != nil {
		t.Errorf("good values: problems %v", got[0].problems)
	}
	if p := got[1].problems; len(p) != 3 || p["name"] == "" || p["age"] == "" || p["terms"] == "" {
		t.Errorf("bad values: problems %v, want name, age and terms", p)
	}
	if p := got[2].problems; len(p) != 2 || p["name"] == "" || p["terms"] == "" {
		t.Errorf("no values: problems %v, want name and terms", p)
	}
}
