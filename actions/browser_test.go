package actions_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"reflect"
	"testing"

	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// page is what testdata/fakedom.js is given: the JavaScript to run, the
// elements of the page, the events to fire after, the user's answer to
// confirm.
type page struct {
	JS        string              `json:"js"`
	Elements  []element           `json:"elements"`
	Selectors map[string][]string `json:"selectors,omitempty"`
	Fire      []fire              `json:"fire,omitempty"`
	Confirm   bool                `json:"confirm"`
}

type element struct {
	ID  string `json:"id"`
	Tag string `json:"tag,omitempty"`
}

type fire struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// ran is what the fake browser did: the calls it was asked to make, in
// order, and the elements' state after.
type ran struct {
	Log      [][]any                  `json:"log"`
	Elements map[string]elementResult `json:"elements"`
	Error    string                   `json:"error"`
}

type elementResult struct {
	Hidden    bool              `json:"hidden"`
	Display   string            `json:"display"`
	CSSText   string            `json:"cssText"`
	Props     map[string]string `json:"props"`
	Attrs     map[string]string `json:"attrs"`
	Classes   []string          `json:"classes"`
	Value     any               `json:"value"`
	Dataset   map[string]any    `json:"dataset"`
	Listeners map[string]int    `json:"listeners"`
}

// calls returns the calls of the log named name, without the name.
func (r ran) calls(name string) [][]any {
	var out [][]any
	for _, c := range r.Log {
		if c[0] == name {
			out = append(out, c[1:])
		}
	}
	return out
}

// index returns where in the log the first call named name is, or -1.
func (r ran) index(name string) int {
	for i, c := range r.Log {
		if c[0] == name {
			return i
		}
	}
	return -1
}

// mustNode returns node's path, or skips the test: node runs the generated
// JavaScript. On CI (CI=true) a missing node fails instead.
func mustNode(tb testing.TB) string {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("node not found: the browser tests need it on CI")
		}
		tb.Skip("node not found: install nodejs to run the generated JavaScript")
	}
	return node
}

// run runs p in node with the fake browser of testdata/fakedom.js.
func run(tb testing.TB, p page) ran {
	tb.Helper()
	node := mustNode(tb)
	harness, err := os.ReadFile("testdata/fakedom.js")
	if err != nil {
		tb.Fatal(err)
	}
	in, err := json.Marshal(p)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(node, "-e", string(harness))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("node: %v\n%s", err, stderr.Bytes())
	}
	var r ran
	if err := json.Unmarshal(out, &r); err != nil {
		tb.Fatalf("node's output: %v\n%s", err, out)
	}
	if r.Error != "" {
		tb.Fatalf("the JavaScript threw %s:\n%s", r.Error, p.JS)
	}
	return r
}

// wantAlerts fails unless the page called alert exactly as want lists.
func wantAlerts(tb testing.TB, r ran, want ...string) {
	tb.Helper()
	var got []string
	for _, c := range r.calls("alert") {
		got = append(got, c[0].(string))
	}
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("alert calls %q, want %q", got, want)
	}
}

// TestHostileText runs the actions with hostile text in node: the text
// must arrive exactly as it was, and nothing in it may run.
func TestHostileText(t *testing.T) {
	mustNode(t)
	escaped := `<p id="m">` + "`${alert(1)}` &lt;/script&gt; &#39;&#34; \u2028 x" + `</p>`
	tests := []struct {
		name   string
		act    func(cx *nitro.Context) error
		call   string // the call the action makes
		want   []any  // its arguments
		alerts []string
	}{
		{"UpdateText", func(cx *nitro.Context) error { actions.UpdateText(cx, "m", hostile); return nil },
			"textContent", []any{"m", hostile}, nil},
		{"Update", func(cx *nitro.Context) error { return actions.Update(cx, "m", paragraph("m", hostile)) },
			"outerHTML", []any{"m", escaped}, nil},
		{"InsertTop", func(cx *nitro.Context) error { return actions.InsertTop(cx, "m", paragraph("m", hostile)) },
			"insertAdjacentHTML", []any{"m", "afterbegin", escaped}, nil},
		{"InsertAfter", func(cx *nitro.Context) error { return actions.InsertAfter(cx, "m", paragraph("m", hostile)) },
			"insertAdjacentHTML", []any{"m", "afterend", escaped}, nil},
		{"Alert", func(cx *nitro.Context) error { actions.Alert(cx, hostile); return nil },
			"alert", []any{hostile}, []string{hostile}},
		{"Confirm", func(cx *nitro.Context) error { actions.Confirm(cx, hostile, bert.Atom("yes")); return nil },
			"confirm", []any{hostile}, nil},
		{"Redirect", func(cx *nitro.Context) error { return actions.Redirect(cx, hostile) },
			"location.assign", []any{hostile}, nil},
		{"SetAttr", func(cx *nitro.Context) error { return actions.SetAttr(cx, "m", "title", hostile) },
			"setAttribute", []any{"m", "title", hostile}, nil},
		{"SetStyle", func(cx *nitro.Context) error { actions.SetStyle(cx, "m", "content", hostile); return nil },
			"style.setProperty", []any{"m", "content", hostile}, nil},
		{"Call", func(cx *nitro.Context) error {
			return actions.Call(cx, actions.ID("m"), "method", hostile, []string{hostile})
		},
			"method", []any{"m", hostile, []any{hostile}}, nil},
		{"UpdateText of a hostile id", func(cx *nitro.Context) error { actions.UpdateText(cx, hostile, hostile); return nil },
			"textContent", []any{hostile, hostile}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cx := mustContext(t)
			if err := tt.act(cx); err != nil {
				t.Fatal(err)
			}
			r := run(t, page{JS: string(cx.TakeJS()), Elements: []element{{ID: "m", Tag: "p"}, {ID: hostile}}})
			calls := r.calls(tt.call)
			if len(calls) != 1 || !reflect.DeepEqual(calls[0], tt.want) {
				t.Errorf("%s calls %q, want one with %q", tt.call, calls, tt.want)
			}
			wantAlerts(t, r, tt.alerts...)
		})
	}
}

// TestRunsInBrowser runs every golden case in node, on a page that has
// all the elements they name: none may throw.
func TestRunsInBrowser(t *testing.T) {
	mustNode(t)
	var els []element
	for _, id := range []string{"box", "m", "list", "item", "name", "panel", "link", "send", "message", "form", "agree", "press", hostile} {
		els = append(els, element{ID: id})
	}
	els = append(els, element{ID: "rows", Tag: "table"}, element{ID: "a", Tag: "li"}, element{ID: "b", Tag: "li"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cx := mustContext(t)
			if err := tc.act(cx); err != nil {
				t.Fatal(err)
			}
			run(t, page{JS: string(cx.TakeJS()), Elements: els, Selectors: map[string][]string{
				"form input": {"name"}, "li.done": {"a", "b"}, "#log": {"box"}, ".item": {"a", "b"},
			}})
		})
	}
}

func TestMissingElements(t *testing.T) {
	cx := mustContext(t)
	for _, tc := range cases {
		if err := tc.act(cx); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, page{JS: string(cx.TakeJS())}) // fails if anything throws
	if n := len(r.calls("textContent")) + len(r.calls("outerHTML")) + len(r.calls("insertAdjacentHTML")); n != 0 {
		t.Errorf("%d changes on a page without elements", n)
	}
}

func TestStyleInBrowser(t *testing.T) {
	cx := mustContext(t)
	actions.Hide(cx, "p")
	actions.Show(cx, "q")
	actions.Display(cx, "r", "flex")
	actions.Style(cx, "r", "color:red")
	actions.AddClass(cx, "p", "a b c")
	actions.RemoveClass(cx, "p", "b")
	actions.SetStyle(cx, "q", "marginTop", "1px")
	if err := actions.SetAttr(cx, "q", "aria-label", "Q"); err != nil {
		t.Fatal(err)
	}
	actions.RemoveAttr(cx, "q", "aria-label")
	if err := actions.SetProp(cx, actions.ID("q"), "value", "typed"); err != nil {
		t.Fatal(err)
	}
	if err := actions.SetProp(cx, actions.All("li"), "dataset.n", 3); err != nil {
		t.Fatal(err)
	}
	r := run(t, page{JS: string(cx.TakeJS()), Elements: []element{{ID: "p"}, {ID: "q"}, {ID: "r"}, {ID: "a"}, {ID: "b"}},
		Selectors: map[string][]string{"li": {"a", "b"}}})
	p, q, rr := r.Elements["p"], r.Elements["q"], r.Elements["r"]
	if p.Display != "none" || !reflect.DeepEqual(p.Classes, []string{"a", "c"}) {
		t.Errorf("p: display %q classes %q, want none [a c]", p.Display, p.Classes)
	}
	if q.Display != "" || q.Hidden || q.Props["margin-top"] != "1px" || len(q.Attrs) != 0 || q.Value != "typed" {
		t.Errorf("q: %+v, want shown, margin-top 1px, no attributes, value typed", q)
	}
	if rr.Display != "flex" || rr.CSSText != "color:red" {
		t.Errorf("r: %+v, want display flex, cssText color:red", rr)
	}
	for _, id := range []string{"a", "b"} {
		if n := r.Elements[id].Dataset["n"]; n != 3.0 {
			t.Errorf("%s: dataset.n = %v, want 3", id, n)
		}
	}
}

func TestRowsInBrowser(t *testing.T) {
	cx := mustContext(t)
	if err := actions.InsertBottom(cx, "table", html(`<tr><td>1</td></tr>`)); err != nil {
		t.Fatal(err)
	}
	if err := actions.InsertTop(cx, "tbody", html(`<tr><td>0</td></tr>`)); err != nil {
		t.Fatal(err)
	}
	if err := actions.InsertBottom(cx, "list", html(`<track>`)); err != nil {
		t.Fatal(err)
	}
	r := run(t, page{JS: string(cx.TakeJS()), Elements: []element{{ID: "table", Tag: "table"}, {ID: "tbody", Tag: "tbody"}, {ID: "list"}}})
	want := [][]any{
		{"table/tbody", "beforeend", "<tr><td>1</td></tr>"},
		{"tbody", "afterbegin", "<tr><td>0</td></tr>"},
		{"list", "beforeend", "<track>"},
	}
	if got := r.calls("insertAdjacentHTML"); !reflect.DeepEqual(got, want) {
		t.Errorf("insertAdjacentHTML calls %q, want %q", got, want)
	}
}

func TestUpdatePostbackAfterChangeInBrowser(t *testing.T) {
	cx := mustContext(t)
	if err := actions.Update(cx, "box", withButton("press")); err != nil {
		t.Fatal(err)
	}
	r := run(t, page{JS: string(cx.TakeJS()), Elements: []element{{ID: "box"}, {ID: "press"}}})
	change, wire := r.index("outerHTML"), r.index("addEventListener")
	if change < 0 || wire < 0 || wire < change {
		t.Errorf("want the change (call %d), then the postback (call %d): %q", change, wire, r.Log)
	}
}

// sent returns the terms the page sent, as fakedom.js records them.
func sent(r ran) []any {
	var out []any
	for _, c := range r.calls("ws.send") {
		out = append(out, c[0])
	}
	return out
}

// pickleFrame is what the fake client's tuple/atom/bin/querySource record
// for a postback from trigger with sources.
func pickleFrame(trigger, pickle string, sources ...string) any {
	linked := []any{map[string]any{"tuple": []any{
		map[string]any{"tuple": []any{map[string]any{"bin": trigger}, map[string]any{"bin": "detail"}}},
		[]any{},
	}}}
	for _, s := range sources {
		linked = append(linked, map[string]any{"tuple": []any{map[string]any{"atom": s}, map[string]any{"querySource": s}}})
	}
	return map[string]any{"tuple": []any{map[string]any{"atom": "pickle"}, map[string]any{"bin": trigger}, map[string]any{"bin": pickle}, linked}}
}

func TestEventInBrowser(t *testing.T) {
	cx := mustContext(t)
	ev := actions.Event{Target: hostile, Postback: bert.Atom("go"), Source: []string{"message", hostile}}
	ev.Wire(cx)
	js := string(cx.TakeJS())
	p := pickled.FindStringSubmatchIndex(js)
	if p == nil {
		t.Fatalf("no pickle in %s", js)
	}
	r := run(t, page{JS: js, Elements: []element{{ID: hostile}}, Fire: []fire{{hostile, "click"}}})
	want := pickleFrame(hostile, pickleOf(js, p), "message", hostile)
	if got := sent(r); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Errorf("sent %v, want %v", got, want)
	}
	if len(r.calls("preventDefault")) != 1 {
		t.Errorf("a click's default action was not prevented: %q", r.Log)
	}
	if v := r.calls("validateSources"); len(v) != 1 || !reflect.DeepEqual(v[0], []any{[]any{"message", hostile}, hostile}) {
		t.Errorf("validateSources calls %q", v)
	}
	wantAlerts(t, r)
}

// TestEventRewired wires a postback twice, as a reconnect's Init does: a
// click must send once, with the newer pickle.
func TestEventRewired(t *testing.T) {
	cx := mustContext(t)
	ev := actions.Event{Target: "send", Postback: bert.Atom("send")}
	ev.Wire(cx)
	ev.Wire(cx)
	actions.Event{Target: "send", Type: "keyup", Postback: bert.Atom("key")}.Wire(cx)
	js := string(cx.TakeJS())
	all := pickled.FindAllStringSubmatchIndex(js, -1)
	if len(all) != 3 {
		t.Fatalf("want 3 pickles, got %d in %s", len(all), js)
	}
	r := run(t, page{JS: js, Elements: []element{{ID: "send"}}, Fire: []fire{{"send", "click"}, {"send", "keyup"}}})
	if got := r.Elements["send"].Listeners; got["click"] != 1 || got["keyup"] != 1 {
		t.Errorf("listeners %v, want one click and one keyup", got)
	}
	got := sent(r)
	if len(got) != 2 {
		t.Fatalf("sent %d postbacks, want 2 (one click, one keyup): %v", len(got), got)
	}
	if want := pickleFrame("send", pickleOf(js, all[1])); !reflect.DeepEqual(got[0], want) {
		t.Errorf("click sent %v, want the newer pickle %v", got[0], want)
	}
	if n := len(r.calls("preventDefault")); n != 1 {
		t.Errorf("%d default actions prevented, want 1 (the click's, not the keyup's)", n)
	}
}

func TestValidationInBrowser(t *testing.T) {
	for _, checked := range []bool{false, true} {
		cx := mustContext(t)
		actions.Event{Target: "agree", Type: "change", Postback: bert.Atom("agree"), Validation: "this.id===\"agree\"&&" + map[bool]string{false: "false", true: "true"}[checked]}.Wire(cx)
		r := run(t, page{JS: string(cx.TakeJS()), Elements: []element{{ID: "agree"}}, Fire: []fire{{"agree", "change"}}})
		if n := len(sent(r)); n != map[bool]int{false: 0, true: 1}[checked] {
			t.Errorf("validation %v: sent %d postbacks", checked, n)
		}
	}
}

func TestConfirmInBrowser(t *testing.T) {
	for _, yes := range []bool{false, true} {
		cx := mustContext(t)
		actions.Confirm(cx, "Sure?", bert.Atom("delete"))
		js := string(cx.TakeJS())
		r := run(t, page{JS: js, Confirm: yes})
		got := sent(r)
		if !yes {
			if len(got) != 0 {
				t.Errorf("refused, yet sent %v", got)
			}
			continue
		}
		p := pickled.FindStringSubmatchIndex(js)
		if want := pickleFrame("confirm", pickleOf(js, p)); len(got) != 1 || !reflect.DeepEqual(got[0], want) {
			t.Errorf("sent %v, want %v", got, want)
		}
	}
}

// pickleOf returns the pickle of the match m of pickled in js.
func pickleOf(js string, m []int) string { return js[m[3]:m[4]] }
