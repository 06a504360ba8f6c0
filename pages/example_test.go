package pages_test

import (
	"fmt"
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

func (c *Counter) Main(cx *nitro.Context) templ.Component {
	return elements.Panel{Body: []templ.Component{
		elements.Heading{Level: 1, Text: "Counter"},
		elements.Span{Attrs: elements.Attrs{ID: "count"}, Text: strconv.FormatInt(c.clicks.Load(), 10)},
		elements.Button{Attrs: elements.Attrs{ID: "plus"}, Text: "+1", Postback: bert.Atom("plus")},
	}}
}

func (c *Counter) Event(cx *nitro.Context, ev any) {
	if p, ok := ev.(nitro.Postback); ok && p.Msg.IsAtom("plus") {
		actions.UpdateText(cx, "count", strconv.FormatInt(c.clicks.Add(1), 10))
	}
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
