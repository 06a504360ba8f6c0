package elements_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/a-h/templ"
	. "github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// benchPage is a page of 101 elements, 10 of them buttons with postbacks,
// each sending a validated field.
func benchPage() templ.Component {
	rows := make([]templ.Component, 0, 10)
	for i := range 10 {
		id := "f" + strconv.Itoa(i)
		rows = append(rows, Panel{Attrs: Attrs{Class: "row", Data: map[string]string{"i": strconv.Itoa(i)}}, Body: []templ.Component{
			Heading{Level: 3, Text: "Item " + strconv.Itoa(i)},
			P{Text: "A description with <markup> & entities that need escaping."},
			Label{For: id, Text: "Name"},
			Textbox{Attrs: Attrs{ID: id}, Name: id, Placeholder: "Your name", Validate: Rule{Required: true, MaxLen: 40}},
			Span{Attrs: Attrs{Class: "hint"}, Text: "At most 40 characters"},
			Image{Src: "/img/" + id + ".png", Alt: "item", Width: 32, Height: 32},
			Br{},
			Link{Href: "/items/" + id, Text: "details"},
			Button{Attrs: Attrs{Class: "primary"}, Text: "Save", Postback: bert.Tuple(bert.Atom("save"), bert.Int(int64(i))), Source: []string{id}},
		}})
	}
	return Panel{Attrs: Attrs{ID: "page"}, Body: rows}
}

// BenchmarkRender renders benchPage in a fresh page Context, as a page's
// first paint or Init does: HTML, ids, 10 sealed postbacks with their
// rules, and their JavaScript.
func BenchmarkRender(b *testing.B) {
	ring := mustRing(b)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	page := benchPage()
	var buf bytes.Buffer
	b.Run("context", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			cx := srv.NewContext(httptest.NewRequest("GET", "/page", nil), "sid", "/page", nil)
			if err := page.Render(cx, &buf); err != nil {
				b.Fatal(err)
			}
			if len(cx.TakeJS()) == 0 {
				b.Fatal("nothing wired")
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
	b.Run("static", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := page.Render(context.Background(), &buf); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
}
