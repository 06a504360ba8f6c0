package pages_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/pages"
)

// demo is the page the tests drive: a form of typed fields, a list of
// messages kept on the server, and a button whose postback reports what
// arrived.
type demo struct {
	mu       sync.Mutex
	messages []string
	seen     []string // what postbacks reached Event, in order
}

func (d *demo) Title(cx *nitro.Context) string { return "Demo" }

func (d *demo) Main(cx *nitro.Context) templ.Component {
	d.mu.Lock()
	items := make([]templ.Component, 0, len(d.messages))
	for _, m := range d.messages {
		items = append(items, elements.Li{Text: m})
	}
	d.mu.Unlock()
	return elements.Panel{Body: []templ.Component{
		elements.Heading{Level: 1, Text: "Demo page"},
		elements.List{Attrs: elements.Attrs{ID: "messages"}, Body: items},
		elements.Textbox{Attrs: elements.Attrs{ID: "name"}, Validate: elements.Rule{Required: true, MaxLen: 10, Message: "a name of up to 10 characters"}},
		elements.Checkbox{Attrs: elements.Attrs{ID: "agree"}, Text: "I agree"},
		elements.Dropdown{Attrs: elements.Attrs{ID: "color"}, Options: []elements.Option{{Label: "Red", Value: "red"}, {Label: "Green", Value: "green", Selected: true}}},
		elements.Date{Attrs: elements.Attrs{ID: "born"}},
		elements.Textbox{Attrs: elements.Attrs{ID: "message"}},
		elements.Button{Attrs: elements.Attrs{ID: "send"}, Text: "Send", Postback: bert.Atom("send"), Source: []string{"name", "agree", "color", "born"}},
		elements.Button{Attrs: elements.Attrs{ID: "post"}, Text: "Post", Postback: bert.Atom("post"), Source: []string{"message"}},
		elements.Span{Attrs: elements.Attrs{ID: "out"}},
	}}
}

func (d *demo) Event(cx *nitro.Context, ev any) {
	if dm, ok := ev.(nitro.Direct); ok && dm.Msg.IsAtom("rotate") {
		cx.RotateSession()
		return
	}
	p, ok := ev.(nitro.Postback)
	if !ok {
		return
	}
	switch {
	case p.Msg.IsAtom("send"):
		born, hasDate := cx.QDate("born")
		report := fmt.Sprintf("name=%s agree=%s color=%s born=%v", cx.QText("name"), cx.QText("agree"), cx.QText("color"), hasDate)
		if hasDate {
			report += born.Format(":2006-01-02")
		}
		d.mu.Lock()
		d.seen = append(d.seen, report)
		d.mu.Unlock()
		actions.UpdateText(cx, "out", report)
	case p.Msg.IsAtom("post"):
		msg := cx.QText("message")
		d.mu.Lock()
		d.messages = append(d.messages, msg)
		d.seen = append(d.seen, "post")
		d.mu.Unlock()
		actions.InsertBottom(cx, "messages", elements.Li{Text: msg})
	}
}

func (d *demo) reports() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.seen...)
}

var _ pages.Page = (*demo)(nil)

// mustApp mounts page at /demo on a chi router.
func mustApp(tb testing.TB, cfg nitro.Config, page pages.Page) (*nitro.Server, http.Handler) {
	tb.Helper()
	if cfg.Keys == nil {
		cfg.Keys = nitrotest.NewKeyRing(tb)
	}
	srv, err := nitro.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	r := chi.NewRouter()
	pages.New(srv).Mount(r, "/demo", page)
	return srv, r
}
