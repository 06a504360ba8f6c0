package actions_test

import (
	"context"
	"flag"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// hostile is user text that tries every way out of a JavaScript string, a
// template literal and a <script> element.
const hostile = "`${alert(1)}` </script> '\" \u2028 x"

// mustContext returns a page Context outside a connection, with a session,
// for the page "/page".
func mustContext(tb testing.TB) *nitro.Context {
	tb.Helper()
	key, err := nitro.GenerateKey(1)
	if err != nil {
		tb.Fatal(err)
	}
	ring, err := nitro.NewKeyRing(key)
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv.NewContext(httptest.NewRequest("GET", "/page", nil), "sid", "/page", nil)
}

// pickled finds the pickles in generated JS, to replace them with a fixed
// placeholder: they are random.
var pickled = regexp.MustCompile(`(atom\('pickle'\),bin\("(?:[^"\\]|\\.)*"\),bin\(")[A-Za-z0-9_-]+("\))`)

func placeholder(js string) string { return pickled.ReplaceAllString(js, "${1}PICKLE${2}") }

// html is a component that renders s as it is.
func html(s string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	})
}

// paragraph renders <p id="id">text</p>, the text escaped as templ does.
func paragraph(id, text string) templ.Component {
	return html(`<p id="` + templ.EscapeString(id) + `">` + templ.EscapeString(text) + `</p>`)
}

// withButton renders a button and wires its postback while rendering, as
// an element does.
func withButton(id string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		cx, _ := nitro.FromContext(ctx)
		actions.Event{Target: id, Postback: bert.Atom("pressed")}.Wire(cx)
		_, err := io.WriteString(w, `<div id="box"><button id="`+id+`">Press</button></div>`)
		return err
	})
}

// cases are the golden tests: each one's JavaScript is in
// testdata/<name>.golden, pickles replaced by PICKLE.
var cases = []struct {
	name string
	act  func(cx *nitro.Context) error
}{
	{"update", func(cx *nitro.Context) error {
		return actions.Update(cx, "box", html(`<div id="box">Hello, <b>world</b> &amp; "you"</div>`))
	}},
	{"update_hostile", func(cx *nitro.Context) error { return actions.Update(cx, "m", paragraph("m", hostile)) }},
	{"update_postback", func(cx *nitro.Context) error { return actions.Update(cx, "box", withButton("press")) }},
	{"update_nil", func(cx *nitro.Context) error { return actions.Update(cx, "box", nil) }},
	{"update_text", func(cx *nitro.Context) error { actions.UpdateText(cx, "m", hostile); return nil }},
	{"insert_top", func(cx *nitro.Context) error { return actions.InsertTop(cx, "list", html(`<li>first</li>`)) }},
	{"insert_bottom", func(cx *nitro.Context) error { return actions.InsertBottom(cx, "list", html(`<li>last</li>`)) }},
	{"insert_before", func(cx *nitro.Context) error { return actions.InsertBefore(cx, "item", html(`<li>before</li>`)) }},
	{"insert_after", func(cx *nitro.Context) error { return actions.InsertAfter(cx, "item", html(`<li>after</li>`)) }},
	{"insert_top_row", func(cx *nitro.Context) error { return actions.InsertTop(cx, "rows", html(`<tr><td>1</td></tr>`)) }},
	{"insert_bottom_row", func(cx *nitro.Context) error {
		return actions.InsertBottom(cx, "rows", html("\n<tr class=\"new\"><td>9</td></tr>"))
	}},
	{"clear", func(cx *nitro.Context) error { actions.Clear(cx, "list"); return nil }},
	{"remove", func(cx *nitro.Context) error { actions.Remove(cx, "item"); return nil }},
	{"redirect", func(cx *nitro.Context) error { return actions.Redirect(cx, "/login?next=/a&b=<c>") }},
	{"alert", func(cx *nitro.Context) error { actions.Alert(cx, hostile); return nil }},
	{"confirm", func(cx *nitro.Context) error {
		actions.Confirm(cx, "Delete \"all\"?", bert.Tuple(bert.Atom("delete"), bert.Int(7)))
		return nil
	}},
	{"focus", func(cx *nitro.Context) error { actions.Focus(cx, "name"); return nil }},
	{"focus_select", func(cx *nitro.Context) error { actions.FocusSelect(cx, "name"); return nil }},
	{"show", func(cx *nitro.Context) error { actions.Show(cx, "panel"); return nil }},
	{"hide", func(cx *nitro.Context) error { actions.Hide(cx, "panel"); return nil }},
	{"display", func(cx *nitro.Context) error { actions.Display(cx, "panel", "flex"); return nil }},
	{"set_attr", func(cx *nitro.Context) error { return actions.SetAttr(cx, "link", "title", hostile) }},
	{"remove_attr", func(cx *nitro.Context) error { actions.RemoveAttr(cx, "send", "disabled"); return nil }},
	{"style", func(cx *nitro.Context) error { actions.Style(cx, "panel", "color:red;margin:0"); return nil }},
	{"set_style", func(cx *nitro.Context) error { actions.SetStyle(cx, "panel", "background-color", "#fee"); return nil }},
	{"set_style_camel", func(cx *nitro.Context) error { actions.SetStyle(cx, "panel", "backgroundColor", ""); return nil }},
	{"add_class", func(cx *nitro.Context) error { actions.AddClass(cx, "panel", " active  big "); return nil }},
	{"remove_class", func(cx *nitro.Context) error { actions.RemoveClass(cx, "panel", "active"); return nil }},
	{"set_prop", func(cx *nitro.Context) error { return actions.SetProp(cx, actions.ID("message"), "value", "") }},
	{"set_prop_sel", func(cx *nitro.Context) error { return actions.SetProp(cx, actions.Sel("form input"), "disabled", true) }},
	{"set_prop_all", func(cx *nitro.Context) error { return actions.SetProp(cx, actions.All("li.done"), "hidden", true) }},
	{"set_prop_path", func(cx *nitro.Context) error {
		return actions.SetProp(cx, actions.ID("box"), "dataset.state", map[string]any{"n": 1, "s": hostile})
	}},
	{"call", func(cx *nitro.Context) error {
		return actions.Call(cx, actions.ID("name"), "setCustomValidity", hostile)
	}},
	{"call_args", func(cx *nitro.Context) error {
		return actions.Call(cx, actions.Sel("#log"), "scrollTo", map[string]int{"top": 0}, 1.5, nil, []string{"a"})
	}},
	{"call_all", func(cx *nitro.Context) error {
		return actions.Call(cx, actions.All(".item"), "classList.toggle", "open")
	}},
	{"wire", func(cx *nitro.Context) error { actions.Wire(cx, "console.log(1)"); return nil }},
	{"script", func(cx *nitro.Context) error { actions.Script(cx, "console.log(2);"); return nil }},
	{"event", func(cx *nitro.Context) error {
		actions.Event{Target: "send", Postback: bert.Atom("send"), Source: []string{"message"}}.Wire(cx)
		return nil
	}},
	{"event_submit", func(cx *nitro.Context) error {
		actions.Event{Target: "form", Type: "submit", Postback: bert.Tuple(bert.Atom("save"), bert.Int(1)), Source: []string{"name", "email"}}.Wire(cx)
		return nil
	}},
	{"event_change_validation", func(cx *nitro.Context) error {
		actions.Event{Target: "agree", Type: "change", Postback: bert.Atom("agree"), Source: []string{"agree"}, Validation: "this.checked"}.Wire(cx)
		return nil
	}},
	{"event_hostile", func(cx *nitro.Context) error {
		actions.Event{Target: hostile, Type: hostile, Postback: bert.Atom("x"), Source: []string{hostile}}.Wire(cx)
		return nil
	}},
	{"event_key", func(cx *nitro.Context) error {
		actions.Event{Target: "message", Key: "Enter", Postback: bert.Atom("chat"), Source: []string{"message"}}.Wire(cx)
		return nil
	}},
	{"event_key_hostile", func(cx *nitro.Context) error {
		actions.Event{Target: "x", Type: "keyup", Key: hostile, Postback: bert.Atom("x")}.Wire(cx)
		return nil
	}},
}

func TestGolden(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cx := mustContext(t)
			if err := tc.act(cx); err != nil {
				t.Fatal(err)
			}
			got := placeholder(string(cx.TakeJS())) + "\n"
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("JavaScript differs from %s:\ngot  %s\nwant %s", path, got, want)
			}
		})
	}
}

// TestSafe checks every golden case for what must never reach the
// browser raw: a template literal, a </script>, a line terminator that
// JavaScript and JSON disagree on.
func TestSafe(t *testing.T) {
	for _, tc := range cases {
		if tc.name == "wire" || tc.name == "script" {
			continue // raw JavaScript, the caller's
		}
		cx := mustContext(t)
		if err := tc.act(cx); err != nil {
			t.Fatal(err)
		}
		js := string(cx.TakeJS())
		for _, bad := range []string{"`", "</", "<!--", "\u2028", "\u2029", "\n"} {
			if strings.Contains(js, bad) {
				t.Errorf("%s: JavaScript contains %q: %s", tc.name, bad, js)
			}
		}
	}
}

func TestUpdatePostbackAfterChange(t *testing.T) {
	cx := mustContext(t)
	cx.Wire("before();")
	if err := actions.Update(cx, "box", withButton("press")); err != nil {
		t.Fatal(err)
	}
	js := string(cx.TakeJS())
	change := strings.Index(js, "x.outerHTML=")
	wire := strings.Index(js, `qi("press")`)
	if !strings.HasPrefix(js, "before();") || change < 0 || wire < 0 || wire < change {
		t.Errorf("want what was queued before, the change, then the postback rendering wired; got %s", js)
	}
}

func TestRenderError(t *testing.T) {
	cx := mustContext(t)
	failing := templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		cx, _ := nitro.FromContext(ctx)
		actions.Alert(cx, "wired while rendering")
		return io.ErrUnexpectedEOF
	})
	for name, act := range map[string]func() error{
		"Update":       func() error { return actions.Update(cx, "a", failing) },
		"InsertTop":    func() error { return actions.InsertTop(cx, "a", failing) },
		"InsertBottom": func() error { return actions.InsertBottom(cx, "a", failing) },
		"InsertBefore": func() error { return actions.InsertBefore(cx, "a", failing) },
		"InsertAfter":  func() error { return actions.InsertAfter(cx, "a", failing) },
	} {
		cx.Wire("kept();")
		if err := act(); err != io.ErrUnexpectedEOF {
			t.Errorf("%s: got error %v, want %v", name, err, io.ErrUnexpectedEOF)
		}
		if js := string(cx.TakeJS()); js != "kept();" {
			t.Errorf("%s: queued %q, want only what was queued before", name, js)
		}
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		name string
		act  func(cx *nitro.Context) error
		want error
	}{
		{"javascript URL", func(cx *nitro.Context) error { return actions.Redirect(cx, "javascript:alert(1)") }, actions.ErrUnsafeURL},
		{"JavaScript URL, spaced", func(cx *nitro.Context) error { return actions.Redirect(cx, " JavaScript:alert(1)") }, actions.ErrUnsafeURL},
		{"tab in scheme", func(cx *nitro.Context) error { return actions.Redirect(cx, "java\tscript:alert(1)") }, actions.ErrUnsafeURL},
		{"data URL", func(cx *nitro.Context) error { return actions.Redirect(cx, "data:text/html,<script>") }, actions.ErrUnsafeURL},
		{"empty attribute", func(cx *nitro.Context) error { return actions.SetAttr(cx, "a", "", "v") }, actions.ErrAttrName},
		{"spaced attribute", func(cx *nitro.Context) error { return actions.SetAttr(cx, "a", "a b", "v") }, actions.ErrAttrName},
		{"quoted attribute", func(cx *nitro.Context) error { return actions.SetAttr(cx, "a", `x"`, "v") }, actions.ErrAttrName},
		{"digit first", func(cx *nitro.Context) error { return actions.SetAttr(cx, "a", "1x", "v") }, actions.ErrAttrName},
		{"onclick", func(cx *nitro.Context) error { return actions.SetAttr(cx, "a", "onclick", "alert(1)") }, actions.ErrHandlerAttr},
		{"ONLOAD", func(cx *nitro.Context) error { return actions.SetAttr(cx, "a", "ONLOAD", "alert(1)") }, actions.ErrHandlerAttr},
		{"prop of a channel", func(cx *nitro.Context) error { return actions.SetProp(cx, actions.ID("a"), "p", make(chan int)) }, nil},
		{"call with a func", func(cx *nitro.Context) error { return actions.Call(cx, actions.ID("a"), "m", 1, func() {}) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cx := mustContext(t)
			err := tt.act(cx)
			if err == nil || (tt.want != nil && err != tt.want) {
				t.Errorf("got error %v, want %v", err, tt.want)
			}
			if js := cx.TakeJS(); len(js) != 0 {
				t.Errorf("queued %s, want nothing", js)
			}
		})
	}
}

func TestAccepted(t *testing.T) {
	for _, url := range []string{"/", "page?x=1", "https://example.com/a", "HTTP://example.com", "//example.com/x", "#top", ""} {
		cx := mustContext(t)
		if err := actions.Redirect(cx, url); err != nil {
			t.Errorf("Redirect(%q): %v", url, err)
		}
	}
	for _, name := range []string{"title", "data-x", "aria-label", "xlink:href", "_x", "x.y", "o"} {
		cx := mustContext(t)
		if err := actions.SetAttr(cx, "a", name, "v"); err != nil {
			t.Errorf("SetAttr(%q): %v", name, err)
		}
	}
}

func TestNothingToDo(t *testing.T) {
	cx := mustContext(t)
	actions.AddClass(cx, "a", "  ")
	actions.RemoveClass(cx, "a", "")
	actions.Wire(cx, "")
	if js := cx.TakeJS(); len(js) != 0 {
		t.Errorf("queued %s, want nothing", js)
	}
}
