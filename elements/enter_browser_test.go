package elements_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/a-h/templ"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/nitrogo/framework/actions"
	. "github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/internal/browsertest"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/pages"
)

// enterPage is a page of two forms with postbacks: one of several
// fields and no submit button, which browsers never submit on Enter by
// themselves, holding a Textbox with an Enter postback of its own; and
// one of a single field, which they do. Each postback the server gets is
// added to #out.
type enterPage struct {
	mu   sync.Mutex
	seen []string
}

func (p *enterPage) Main(cx *nitro.Context) templ.Component {
	return Panel{Body: []templ.Component{
		Form{Attrs: Attrs{ID: "f"}, Postback: bert.Atom("form"), Source: []string{"name", "note"}, Body: []templ.Component{
			Textbox{Attrs: Attrs{ID: "name"}, Validate: Rule{Required: true}},
			Email{Attrs: Attrs{ID: "mail"}},
			Textarea{Attrs: Attrs{ID: "note"}},
			Textbox{Attrs: Attrs{ID: "own"}, Enter: bert.Atom("own")},
			Button{Text: "Cancel"},
		}},
		Form{Attrs: Attrs{ID: "solo"}, Postback: bert.Atom("solo"), Source: []string{"q"}, Body: []templ.Component{
			Textbox{Attrs: Attrs{ID: "q"}},
		}},
		Button{Attrs: Attrs{ID: "done"}, Text: "Done", Postback: bert.Atom("done")},
		Span{Attrs: Attrs{ID: "out"}},
	}}
}

func (p *enterPage) Event(cx *nitro.Context, ev any) {
	pb, ok := ev.(nitro.Postback)
	if !ok {
		return
	}
	what := pb.Msg.String()
	switch {
	case pb.Msg.IsAtom("form"):
		what = "form:" + cx.QText("name") + ":" + strings.ReplaceAll(cx.QText("note"), "\n", "/")
	case pb.Msg.IsAtom("own"):
		what = "own:" + cx.QText("own")
	case pb.Msg.IsAtom("solo"):
		what = "solo:" + cx.QText("q")
	}
	p.mu.Lock()
	p.seen = append(p.seen, what)
	out := strings.Join(p.seen, " ")
	p.mu.Unlock()
	actions.UpdateText(cx, "out", out)
}

// startEnter serves page at /enter, with the client, until the test ends.
func startEnter(t *testing.T, page pages.Page) string {
	t.Helper()
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(t)})
	if err != nil {
		t.Fatal(err)
	}
	app := pages.New(srv)
	mux := http.NewServeMux()
	h := app.Handler(page)
	mux.Handle("/enter", h)
	mux.Handle("/ws/enter", h)
	mux.Handle(app.Static())
	hs := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); hs.Close() })
	return hs.URL + "/enter"
}

// pressEnter presses Enter in the focused field as a keyboard does: a
// keydown, then the char event the browser drops when the keydown's
// default is prevented, then repeats times again as a key held down
// repeats, then a keyup. (chromedp.SendKeys's Enter is a keydown, then a
// char event of its own, which the browser always delivers.) With
// repeats < 0 there is no char event: an input method takes the key.
func pressEnter(repeats int) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		send := func(typ input.DispatchKeyEventType, repeat bool) error {
			e := input.DispatchKeyEventParams{Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
			if typ == input.DispatchKeyEventTypeChar {
				e.Text, e.UnmodifiedText = "\r", "\r"
			}
			if repeat {
				e.AutoRepeat = &repeat
			}
			_, err := chromedp.Call(ctx, input.DispatchKeyEvent, e)
			return err
		}
		for i := 0; i <= max(repeats, 0); i++ {
			if err := send(input.DispatchKeyEventTypeRawKeyDown, i > 0); err != nil {
				return err
			}
			if repeats >= 0 {
				if err := send(input.DispatchKeyEventTypeChar, i > 0); err != nil {
					return err
				}
			}
		}
		return send(input.DispatchKeyEventTypeKeyUp, false)
	})
}

// compose types text in the focused field through an input method, which
// takes the Enter that ends the composition.
func compose(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, input.ImeSetComposition, input.ImeSetCompositionParams{Text: text, SelectionStart: 1, SelectionEnd: 1})
		if err == nil {
			_, err = pressEnter(-1)(ctx, nil)
		}
		if err == nil {
			_, err = chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text})
		}
		return err
	})
}

// TestBrowserEnter presses Enter in the fields of live forms in Chromium:
// a form's postback is sent once a press, from any of its text fields,
// after the browser's checks; a Textbox's own Enter postback wins over the
// form's; a textarea, a held key and an input method's composition send
// nothing.
func TestBrowserEnter(t *testing.T) {
	b := browsertest.Start(t)
	page := &enterPage{}
	url := startEnter(t, page)
	ctx := b.NewTab(t)
	browsertest.Do(t, ctx, chromedp.Navigate(url))
	browsertest.WaitFor(t, ctx, `!!(window.qi && qi("done").__nitro_click)`) // wired last
	// out waits for the server to have answered the postbacks of want,
	// and checks that they are what it got: messages are handled in order,
	// so one sent twice shows here or at the next check.
	out := func(want ...string) {
		t.Helper()
		browsertest.WaitFor(t, ctx, `qi("out").textContent.split(" ").filter(Boolean).length >= `+strconv.Itoa(len(want)))
		if got := browsertest.Eval[string](t, ctx, `qi("out").textContent`); got != strings.Join(want, " ") {
			t.Fatalf("the server got %q, want %q", got, want)
		}
	}

	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#name"), kb.Enter), // required and empty: the browser stops it
		chromedp.SendKeys(chromedp.CSS("#name"), "ann"),
		chromedp.SendKeys(chromedp.CSS("#note"), "one"+kb.Enter+"two"), // a newline
		chromedp.SendKeys(chromedp.CSS("#own"), "mine"+kb.Enter),       // its own
	)
	out("own:mine")
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#name"), kb.Enter))
	out("own:mine", "form:ann:one/two")

	// Enter held down: one postback, the form's and a box's own.
	browsertest.Do(t, ctx, chromedp.Focus(chromedp.CSS("#mail")), pressEnter(2), chromedp.Focus(chromedp.CSS("#own")), pressEnter(2))
	out("own:mine", "form:ann:one/two", "form:ann:one/two", "own:mine")

	// Enter while an input method composes: the input method's.
	browsertest.Do(t, ctx, chromedp.Focus(chromedp.CSS("#name")), compose("か"), chromedp.Focus(chromedp.CSS("#own")), compose("き"))

	// A form of one field, which browsers submit on Enter themselves: once
	// a press, from a keyboard and from SendKeys.
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#q"), "x"+kb.Enter), pressEnter(0), chromedp.Click(chromedp.CSS("#done")))
	out("own:mine", "form:ann:one/two", "form:ann:one/two", "own:mine", "solo:x", "solo:x", "done")
	if got := browsertest.Eval[string](t, ctx, `[qi("name").value,qi("note").value,qi("own").value].join("|")`); got != "annか|one\ntwo|mineき" {
		t.Errorf("the fields hold %q", got)
	}
}
