package elements_test

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/a-h/templ"
	. "github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro/bert"
)

// handlerJS finds the handler wired by one block of generated JavaScript
// (after its "{var x=qi("): the element's id and the handler's name.
var handlerJS = regexp.MustCompile(`^("(?:[^"\\]|\\.)*")\);if\(x\)\{var k="__nitro_([A-Za-z_]+)"`)

// handlers returns the handlers wired in js, as "id:name", and the
// pickle each sends ("" for none), in order.
func handlers(js string) (names, pickles []string) {
	for _, part := range strings.Split(js, "{var x=qi(")[1:] {
		m := handlerJS.FindStringSubmatch(part)
		if m == nil {
			continue
		}
		names = append(names, strings.Trim(m[1], `"`)+":"+m[2])
		p := ""
		if pm := pickleJS.FindStringSubmatch(part); pm != nil {
			p = pm[2]
		}
		pickles = append(pickles, p)
	}
	return names, pickles
}

// TestEnterWiring: the handlers a Form and the text fields wire for Enter
// in a page Context, and what their postbacks seal.
func TestEnterWiring(t *testing.T) {
	tests := []struct {
		name string
		c    templ.Component
		want []string // id:handler, in order
	}{
		{"form", Form{Attrs: Attrs{ID: "f"}, Postback: bert.Atom("go"), Body: []templ.Component{Textbox{Attrs: Attrs{ID: "q"}}}},
			[]string{"f:submit", "f:enter"}},
		{"form without a postback", Form{Attrs: Attrs{ID: "f"}, Body: []templ.Component{Textbox{Attrs: Attrs{ID: "q"}}}}, nil},
		{"form whose postback fails", Form{Attrs: Attrs{ID: "f"}, Postback: make(chan int)}, nil},
		{"textbox", Textbox{Attrs: Attrs{ID: "m"}, Enter: bert.Atom("go")}, []string{"m:keydown_Enter"}},
		{"textbox with no id", Textbox{Enter: bert.Atom("go")}, []string{"nitro-1:keydown_Enter"}},
		{"textbox on change and Enter", Textbox{Attrs: Attrs{ID: "m"}, Postback: bert.Atom("changed"), Enter: bert.Atom("go")},
			[]string{"m:change", "m:keydown_Enter"}},
		{"password", Password{Attrs: Attrs{ID: "pw"}, Enter: bert.Atom("go")}, []string{"pw:keydown_Enter"}},
		{"email", Email{Attrs: Attrs{ID: "e"}, Enter: bert.Atom("go")}, []string{"e:keydown_Enter"}},
		{"textbox without", Textbox{Attrs: Attrs{ID: "m"}}, nil},
	}
	sends := map[string]bert.Term{"submit": bert.Atom("go"), "keydown_Enter": bert.Atom("go"), "change": bert.Atom("changed")}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cx, ring := mustContext(t)
			_ = tt.c.Render(cx, io.Discard) // the failing postback's error is TestPostbackUnsupported's
			got, pickles := handlers(string(cx.TakeJS()))
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("handlers: got %q, want %q", got, tt.want)
			}
			for i, p := range pickles {
				want, ok := sends[got[i][strings.Index(got[i], ":")+1:]]
				if !ok { // the form's Enter submits it: no postback of its own
					if p != "" {
						t.Errorf("%s sends a postback", got[i])
					}
					continue
				}
				if msg, problems := CheckPostback(opened(t, ring, p), nil); !msg.Equal(want) || problems != nil {
					t.Errorf("%s sends %v, %v; want %v", got[i], msg, problems, want)
				}
			}
		})
	}
	// Statically, nothing is wired, and a box gets no id.
	if got := render(t, Textbox{Enter: bert.Atom("go")}); got != `<input type="text">` {
		t.Errorf("static render: got %s", got)
	}
}

// TestEnterSources: Enter in a Textbox sends the box's own value and its
// Source fields', sealed with their rules, as a click on a Button would.
func TestEnterSources(t *testing.T) {
	cx, ring := mustContext(t)
	renderCx(t, cx, Textbox{Attrs: Attrs{ID: "room"}, Validate: Rule{MaxLen: 3}})
	renderCx(t, cx, Textbox{Attrs: Attrs{ID: "name"}, Validate: Rule{Required: true}, Enter: bert.Atom("login"), Source: []string{"room"}})
	js := string(cx.TakeJS())
	if want := `validateSources(["name","room"],"name")`; !strings.Contains(js, want) {
		t.Errorf("js lacks %s: %s", want, js)
	}
	for _, s := range []string{"name", "room"} {
		if want := `tuple(atom("` + s + `"),querySource("` + s + `"))`; !strings.Contains(js, want) {
			t.Errorf("js lacks %s: %s", want, js)
		}
	}
	msg, problems := sealedRules(t, ring, js, "name", map[string]bert.Term{"name": bert.BinString(""), "room": bert.BinString("hall")})
	if !msg.Equal(bert.Atom("login")) || problems["name"] == "" || problems["room"] == "" {
		t.Errorf("got %v, problems %v; want login, problems on name and room", msg, problems)
	}
}

// TestEnterGolden: the HTML and JavaScript of a form with a field that
// has an Enter postback of its own (pickles made PICKLE: they are sealed
// with a fresh nonce).
func TestEnterGolden(t *testing.T) {
	cx, _ := mustContext(t)
	page := Form{Attrs: Attrs{ID: "login"}, Postback: bert.Atom("login"), Source: []string{"user"}, Body: []templ.Component{
		Textbox{Attrs: Attrs{ID: "user"}, Validate: Rule{Required: true}},
		Textbox{Attrs: Attrs{ID: "message"}, Enter: bert.Atom("chat")},
	}}
	golden(t, "enter_page", renderCx(t, cx, page))
	js := pickleJS.ReplaceAllString(string(cx.TakeJS()), `atom('pickle'),bin($1),bin("PICKLE")`)
	golden(t, "enter_page_js", js)
}
