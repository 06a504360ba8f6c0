package pages_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/pages"
)

// Counter is the README's page: a count and a button that adds one.
type Counter struct{ clicks atomic.Int64 }

// Plus is the postback of the +1 button: a record tagged plus.
type Plus struct {
	_ struct{} `bert:"plus"`
}

// counterEvents dispatches the page's postbacks by type, one method each.
var counterEvents = pages.Postbacks(pages.On((*Counter).plus))

func (c *Counter) Main(cx *nitro.Context) templ.Component {
	return elements.Panel{Body: []templ.Component{
		elements.Heading{Level: 1, Text: "Counter"},
		elements.Span{Attrs: elements.Attrs{ID: "count"}, Text: strconv.FormatInt(c.clicks.Load(), 10)},
		elements.Button{Attrs: elements.Attrs{ID: "plus"}, Text: "+1", Postback: Plus{}},
	}}
}

func (c *Counter) Event(cx *nitro.Context, ev any) { counterEvents.Handle(c, cx, ev) }

func (c *Counter) plus(cx *nitro.Context, _ Plus) {
	actions.UpdateText(cx, "count", strconv.FormatInt(c.clicks.Add(1), 10))
}

func ExampleApp_Mount() {
	k, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(k)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	r := chi.NewRouter()
	pages.New(srv).Mount(r, "/counter", &Counter{})

	// The first paint, as a browser without JavaScript gets it.
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/counter", nil))
	body := w.Body.String()
	start := strings.Index(body, `<div id="nitro-root">`)
	fmt.Println(w.Code, body[start:strings.Index(body[start:], "</button>")+start+len("</button>")])
	// Output: 200 <div id="nitro-root"><div><h1>Counter</h1><span id="count">0</span><button id="plus" type="button">+1</button>
}

// A page on a plain http.ServeMux: one handler at the page's path and at
// /ws and the path (its socket), and the client's script where Static says.
func ExampleApp_Handler() {
	k, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(k)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	app := pages.New(srv)
	mux := http.NewServeMux()
	counter := app.Handler(&Counter{})
	mux.Handle("/counter", counter)
	mux.Handle("/ws/counter", counter)
	mux.Handle(app.Static())
	ts := httptest.NewServer(mux)
	defer ts.Close()

	page, err := http.Get(ts.URL + "/counter")
	if err != nil {
		panic(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	scriptPath, _ := app.Static()
	script, err := http.Get(ts.URL + scriptPath)
	if err != nil {
		panic(err)
	}
	script.Body.Close()
	fmt.Println(page.StatusCode, strings.Contains(string(html), "<h1>Counter</h1>"), strings.Contains(string(html), scriptPath))
	fmt.Println(script.StatusCode, script.Header.Get("Content-Type"))
	// Output:
	// 200 true true
	// 200 text/javascript; charset=utf-8
}

// Chat and Logout are the postbacks of the Room page.
type (
	Chat struct {
		_    struct{} `bert:"chat"`
		Text string
	}
	Logout struct {
		_ struct{} `bert:"logout"`
	}
)

// Room handles its postbacks with one method each.
type Room struct{ name string }

func (r *Room) chat(cx *nitro.Context, m Chat)     { fmt.Printf("%s: chat %q\n", r.name, m.Text) }
func (r *Room) logout(cx *nitro.Context, m Logout) { fmt.Printf("%s: logout\n", r.name) }

var roomEvents = pages.Postbacks(
	pages.On((*Room).chat),
	pages.On((*Room).logout),
)

func (r *Room) Event(cx *nitro.Context, ev any) {
	if roomEvents.Handle(r, cx, ev) {
		return
	}
	if p, ok := ev.(nitro.Postback); ok {
		fmt.Printf("%s: not handled: %v\n", r.name, p.Msg)
	}
}

func ExamplePostbacks() {
	// What Event gets from elements built with Postback: Chat{Text: "hi"},
	// with Postback: bert.Atom("logout"), and with another postback.
	chat, err := bert.ToTerm(Chat{Text: "hi"})
	if err != nil {
		panic(err)
	}
	lobby := &Room{name: "lobby"}
	lobby.Event(nil, nitro.Postback{Msg: chat})
	lobby.Event(nil, nitro.Postback{Msg: bert.Atom("logout")})
	lobby.Event(nil, nitro.Postback{Msg: bert.Atom("dance")})
	// Output:
	// lobby: chat "hi"
	// lobby: logout
	// lobby: not handled: dance
}

// Main redirects by calling Redirect on its Context, here from inside the
// page it would otherwise show; a first paint answers 303.
func ExampleRedirect() {
	k, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(k)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	members := pages.Funcs{MainFunc: func(cx *nitro.Context) templ.Component {
		body := []templ.Component{elements.Heading{Level: 1, Text: "Members"}}
		if _, ok := cx.Session("user"); !ok {
			body = append(body, pages.Redirect(cx, "/login"))
		}
		return elements.Panel{Body: body}
	}}
	r := chi.NewRouter()
	pages.New(srv).Mount(r, "/members", members)

	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/members", nil))
	fmt.Println(w.Code, w.Header().Get("Location"))
	// Output: 303 /login
}
