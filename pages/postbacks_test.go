package pages_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/pages"
)

// The postbacks of the tests: a record without fields, and records with.
type (
	Login struct {
		_ struct{} `bert:"login"`
	}
	Say struct {
		_    struct{} `bert:"say"`
		Text string
	}
	Vote struct { // tagged vote, from its name
		Poll   string
		Choice int
	}
)

// got is what the handlers of testEvents saw, in order.
type got struct{ seen []string }

func (g *got) login(cx *nitro.Context, m Login) { g.seen = append(g.seen, "login") }
func (g *got) say(cx *nitro.Context, m Say)     { g.seen = append(g.seen, "say "+m.Text) }
func (g *got) vote(cx *nitro.Context, m Vote) {
	g.seen = append(g.seen, fmt.Sprintf("vote %s %d", m.Poll, m.Choice))
}

var testEvents = pages.Postbacks(
	pages.On((*got).login),
	pages.On((*got).say),
	pages.On((*got).vote),
)

// mustContext returns a page Context of a server that logs nowhere.
func mustContext(tb testing.TB) *nitro.Context {
	tb.Helper()
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(tb), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv.NewContext(httptest.NewRequest("GET", "/p", nil), "sid", "/p", nil)
}

func mustTerm(tb testing.TB, v any) bert.Term {
	tb.Helper()
	t, err := bert.ToTerm(v)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestSwitchHandle(t *testing.T) {
	tests := []struct {
		name    string
		ev      any
		handled bool
		seen    string
	}{
		{"record", nitro.Postback{Msg: mustTerm(t, Say{Text: "hi"})}, true, "say hi"},
		{"record named by its type", nitro.Postback{Msg: mustTerm(t, Vote{Poll: "lunch", Choice: 2})}, true, "vote lunch 2"},
		{"fieldless record", nitro.Postback{Msg: mustTerm(t, Login{})}, true, "login"},
		{"bare atom", nitro.Postback{Msg: bert.Atom("login")}, true, "login"},
		{"bare atom of a record with fields", nitro.Postback{Msg: bert.Atom("say")}, false, ""},
		{"unknown atom", nitro.Postback{Msg: bert.Atom("logout")}, false, ""},
		{"unknown record", nitro.Postback{Msg: bert.Tuple(bert.Atom("logout"), bert.Int(1))}, false, ""},
		{"wrong arity", nitro.Postback{Msg: bert.Tuple(bert.Atom("say"), bert.BinString("a"), bert.BinString("b"))}, false, ""},
		{"wrong field type", nitro.Postback{Msg: bert.Tuple(bert.Atom("vote"), bert.BinString("lunch"), bert.Atom("two"))}, false, ""},
		{"empty tuple", nitro.Postback{Msg: bert.Tuple()}, false, ""},
		{"untagged tuple", nitro.Postback{Msg: bert.Tuple(bert.Int(1), bert.Int(2))}, false, ""},
		{"binary", nitro.Postback{Msg: bert.BinString("login")}, false, ""},
		{"nil term", nitro.Postback{}, false, ""},
		{"not a postback", nitro.Init{}, false, ""},
		{"a push of a known record", nitro.Push{Msg: mustTerm(t, Say{Text: "hi"})}, false, ""},
	}
	cx := mustContext(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g got
			handled := testEvents.Handle(&g, cx, tt.ev)
			var seen string
			if len(g.seen) > 0 {
				seen = g.seen[0]
			}
			if handled != tt.handled || seen != tt.seen || len(g.seen) > 1 {
				t.Errorf("got handled=%v seen %q, want handled=%v seen %q", handled, g.seen, tt.handled, tt.seen)
			}
		})
	}
}

// TestSwitchSetup: mistakes in a page's switch panic when it is made.
func TestSwitchSetup(t *testing.T) {
	type Logout struct {
		_ struct{} `bert:"login"` // login's tag, by a slip
	}
	tests := []struct {
		name string
		make func()
	}{
		{"same tag twice", func() {
			pages.Postbacks(
				pages.On(func(*got, *nitro.Context, Login) {}),
				pages.On(func(*got, *nitro.Context, Logout) {}),
			)
		}},
		{"not a record", func() { pages.On(func(*got, *nitro.Context, string) {}) }},
		{"a pointer", func() { pages.On(func(*got, *nitro.Context, *Say) {}) }},
		{"an unnamed struct", func() { pages.On(func(*got, *nitro.Context, struct{ A int }) {}) }},
		{"a case not made by On", func() { pages.Postbacks(pages.Case[*got]{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			tt.make()
		})
	}
}

// TestSwitchOnPage: a page whose Event uses a Switch, driven over its
// socket, with elements built from typed values and from a bare atom.
func TestSwitchOnPage(t *testing.T) {
	var g got
	page := pages.Funcs{
		MainFunc: func(cx *nitro.Context) templ.Component {
			return elements.Panel{Body: []templ.Component{
				elements.Button{Attrs: elements.Attrs{ID: "login"}, Text: "Login", Postback: bert.Atom("login")},
				elements.Button{Attrs: elements.Attrs{ID: "hi"}, Text: "Hi", Postback: Say{Text: "hi"}},
				elements.Button{Attrs: elements.Attrs{ID: "other"}, Text: "Other", Postback: bert.Atom("other")},
			}}
		},
		EventFunc: func(cx *nitro.Context, ev any) {
			if testEvents.Handle(&g, cx, ev) {
				return
			}
			if p, ok := ev.(nitro.Postback); ok {
				g.seen = append(g.seen, "unhandled "+p.Msg.String())
			}
		},
	}
	srv, h := mustApp(t, nitro.Config{}, page)
	ts := nitrotest.Serve(t, srv, h)
	c := ts.Dial("/demo")
	c.Init()
	c.Click("login")
	c.Click("hi")
	c.Click("other")
	want := []string{"login", "say hi", "unhandled other"}
	if fmt.Sprint(g.seen) != fmt.Sprint(want) {
		t.Errorf("the page saw %q, want %q", g.seen, want)
	}
}

// BenchmarkPostbacks measures dispatch: finding the case, converting the
// term; the handlers do nothing.
func BenchmarkPostbacks(b *testing.B) {
	type page struct{}
	events := pages.Postbacks(
		pages.On(func(*page, *nitro.Context, Login) {}),
		pages.On(func(*page, *nitro.Context, Say) {}),
		pages.On(func(*page, *nitro.Context, Vote) {}),
	)
	p := &page{}
	cx := mustContext(b)
	benchmarks := []struct {
		name string
		ev   nitro.Postback
	}{
		{"bare atom", nitro.Postback{Msg: bert.Atom("login")}},
		{"record", nitro.Postback{Msg: mustTerm(b, Vote{Poll: "lunch", Choice: 2})}},
		{"no match", nitro.Postback{Msg: bert.Atom("logout")}},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				events.Handle(p, cx, bm.ev)
			}
		})
	}
}
