package elements_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	. "github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// renderCx renders c in the page Context cx.
func renderCx(tb testing.TB, cx *nitro.Context, c templ.Component) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := c.Render(cx, &buf); err != nil {
		tb.Fatalf("Render: %v", err)
	}
	return buf.String()
}

// pickleJS finds the wired postbacks: trigger id and pickle.
var pickleJS = regexp.MustCompile(`atom\('pickle'\),bin\(("(?:[^"\\]|\\.)*")\),bin\("([A-Za-z0-9_-]+)"\)`)

// postbacks returns the pickles of the postbacks wired in js, by trigger.
func postbacks(tb testing.TB, js string) map[string]string {
	tb.Helper()
	m := map[string]string{}
	for _, sub := range pickleJS.FindAllStringSubmatch(js, -1) {
		var id string
		if err := json.Unmarshal([]byte(sub[1]), &id); err != nil {
			tb.Fatalf("trigger %s: %v", sub[1], err)
		}
		m[id] = sub[2]
	}
	return m
}

// opened opens a postback pickle as the server does and returns the
// postback term sealed in it.
func opened(tb testing.TB, ring *nitro.KeyRing, pickle string) bert.Term {
	tb.Helper()
	payload, err := ring.Open(nil, "sid", []byte(pickle), time.Now())
	if err != nil {
		tb.Fatalf("open pickle: %v", err)
	}
	ev, err := bert.Decode(payload)
	if err != nil || !ev.Is("ev", 5) {
		tb.Fatalf("pickle holds %v (%v)", ev, err)
	}
	return ev.At(2)
}

type saveMsg struct {
	Item string
	N    int
}

func TestPostbacks(t *testing.T) {
	tests := []struct {
		name     string
		c        templ.Component
		html     string
		id, typ  string
		sources  []string
		postback bert.Term
	}{
		{"button", Button{Text: "Save", Postback: bert.Atom("save"), Source: []string{"name", "mail"}},
			`<button id="nitro-1" type="button">Save</button>`, "nitro-1", "click", []string{"name", "mail"}, bert.Atom("save")},
		{"button with id", Button{Attrs: Attrs{ID: "go"}, Text: "Go", Postback: "go"},
			`<button id="go" type="button">Go</button>`, "go", "click", nil, bert.BinString("go")},
		{"go value", Button{Text: "S", Postback: saveMsg{Item: "x", N: 2}},
			`<button id="nitro-1" type="button">S</button>`, "nitro-1", "click", nil,
			bert.Tuple(bert.Atom("save_msg"), bert.BinString("x"), bert.Int(2))},
		{"link", Link{Text: "Del", Postback: bert.Atom("del")},
			`<a id="nitro-1" href="#">Del</a>`, "nitro-1", "click", nil, bert.Atom("del")},
		{"form", Form{Postback: bert.Atom("send"), Source: []string{"q"}, Body: []templ.Component{Textbox{Attrs: Attrs{ID: "q"}}}},
			`<form id="nitro-1"><input id="q" type="text"></form>`, "nitro-1", "submit", []string{"q"}, bert.Atom("send")},
		{"textbox", Textbox{Attrs: Attrs{ID: "t"}, Postback: bert.Atom("typed"), Source: []string{"other"}},
			`<input id="t" type="text">`, "t", "change", []string{"t", "other"}, bert.Atom("typed")},
		{"textbox own id listed", Textbox{Attrs: Attrs{ID: "t"}, Postback: bert.Atom("typed"), Source: []string{"other", "t"}},
			`<input id="t" type="text">`, "t", "change", []string{"other", "t"}, bert.Atom("typed")},
		{"textarea", Textarea{Postback: bert.Atom("edited")},
			`<textarea id="nitro-1"></textarea>`, "nitro-1", "change", []string{"nitro-1"}, bert.Atom("edited")},
		{"number", Number{Postback: bert.Atom("n")},
			`<input id="nitro-1" type="number">`, "nitro-1", "change", []string{"nitro-1"}, bert.Atom("n")},
		{"checkbox", Checkbox{Text: "On", Postback: bert.Atom("toggle")},
			`<label for="nitro-1"><input id="nitro-1" type="checkbox">On</label>`, "nitro-1", "change", []string{"nitro-1"}, bert.Atom("toggle")},
		{"radio", Radio{Name: "size", Value: "s", Postback: bert.Atom("size")},
			`<input id="nitro-1" type="radio" name="size" value="s">`, "nitro-1", "change", []string{"size"}, bert.Atom("size")},
		{"radio without name", Radio{Postback: bert.Atom("r")},
			`<input id="nitro-1" type="radio">`, "nitro-1", "change", []string{"nitro-1"}, bert.Atom("r")},
		{"dropdown", Dropdown{Options: []Option{{Label: "A", Value: "a"}}, Postback: bert.Atom("pick")},
			`<select id="nitro-1"><option value="a">A</option></select>`, "nitro-1", "change", []string{"nitro-1"}, bert.Atom("pick")},
		{"tr", Table{Rows: []Tr{{Cells: []templ.Component{Td{Text: "1"}}, Postback: bert.Int(1)}}},
			`<table><tbody><tr id="nitro-1"><td>1</td></tr></tbody></table>`, "nitro-1", "click", nil, bert.Int(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cx, ring := mustContext(t)
			if got := renderCx(t, cx, tt.c); got != tt.html {
				t.Errorf("html:\ngot  %s\nwant %s", got, tt.html)
			}
			js := string(cx.TakeJS())
			q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
			for _, want := range []string{
				"qi(" + q(tt.id) + ")",
				"addEventListener(" + q(tt.typ) + ",",
				"validateSources([" + strings.Join(mapStrings(tt.sources, q), ",") + "]," + q(tt.id) + ")",
			} {
				if !strings.Contains(js, want) {
					t.Errorf("js lacks %s:\n%s", want, js)
				}
			}
			for _, s := range tt.sources {
				if want := "tuple(atom(" + q(s) + "),querySource(" + q(s) + "))"; !strings.Contains(js, want) {
					t.Errorf("js lacks source %s:\n%s", want, js)
				}
			}
			pbs := postbacks(t, js)
			if len(pbs) != 1 {
				t.Fatalf("want one postback, got %v in %s", pbs, js)
			}
			// (A number field's postback carries its type's rule.)
			got, problems := CheckPostback(opened(t, ring, pbs[tt.id]), nil)
			if !got.Equal(tt.postback) || problems != nil {
				t.Errorf("postback: got %v, %v; want %v", got, problems, tt.postback)
			}
		})
	}
}

func mapStrings(ss []string, f func(string) string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// TestPostbackGolden renders a page of several postback elements in one
// Context: the HTML, ids included, is deterministic.
func TestPostbackGolden(t *testing.T) {
	cx, _ := mustContext(t)
	page := Panel{Body: []templ.Component{
		Form{Postback: bert.Atom("send"), Source: []string{"name", "agree"}, Body: []templ.Component{
			Label{For: "name", Text: "Name"},
			Textbox{Attrs: Attrs{ID: "name"}, Validate: Rule{Required: true, MaxLen: 40}},
			Checkbox{Attrs: Attrs{ID: "agree"}, Text: "I agree", Validate: Rule{Required: true}},
			Button{Text: "Cancel", Postback: bert.Atom("cancel")},
		}},
		Link{Text: "more", Postback: bert.Atom("more")},
		Upload{},
	}}
	golden(t, "postback_page", renderCx(t, cx, page))
	js := string(cx.TakeJS())
	pbs := postbacks(t, js)
	for _, id := range []string{"nitro-1", "nitro-2", "nitro-3"} {
		if _, ok := pbs[id]; !ok {
			t.Errorf("no postback wired on %s: %v", id, pbs)
		}
	}
	if !strings.Contains(js, `ftp.init(this.files[0],{progress:"nitro-4-progress",autostart:false})`) ||
		!strings.Contains(js, `qi("nitro-4-start")`) || !strings.Contains(js, "ftp.start(it)") {
		t.Errorf("upload not wired: %s", js)
	}
}

func TestStaticRenderWiresNothing(t *testing.T) {
	got := render(t, Button{Text: "x", Postback: "p", Source: []string{"a"}})
	if got != `<button type="button">x</button>` {
		t.Errorf("got %s", got)
	}
}

func TestPostbackUnsupported(t *testing.T) {
	cx, _ := mustContext(t)
	var buf bytes.Buffer
	err := Button{Postback: make(chan int)}.Render(cx, &buf)
	if err == nil || !errors.Is(err, bert.ErrUnsupported) {
		t.Errorf("got %v, want an error wrapping bert.ErrUnsupported", err)
	}
	if len(cx.TakeJS()) != 0 {
		t.Error("wired a postback that failed")
	}
}

func TestUploadAutoStart(t *testing.T) {
	cx, _ := mustContext(t)
	html := renderCx(t, cx, Upload{Attrs: Attrs{ID: "up"}, AutoStart: true, Accept: ".txt"})
	if strings.Contains(html, "button") {
		t.Errorf("autostart upload has a start button: %s", html)
	}
	js := string(cx.TakeJS())
	for _, want := range []string{`qi("up-file")`, `ftp.init(this.files[0],{progress:"up-progress"})`} {
		if !strings.Contains(js, want) {
			t.Errorf("js lacks %s: %s", want, js)
		}
	}
	if strings.Contains(js, "up-start") || strings.Contains(js, "autostart") {
		t.Errorf("js wires a start button: %s", js)
	}
}

// sealedRules returns the ids of the rules sealed with the postback on
// trigger, and CheckPostback's verdict on values.
func sealedRules(t *testing.T, ring *nitro.KeyRing, js, trigger string, values map[string]bert.Term) (bert.Term, map[string]string) {
	t.Helper()
	pbs := postbacks(t, js)
	p, ok := pbs[trigger]
	if !ok {
		t.Fatalf("no postback on %s in %s", trigger, js)
	}
	return CheckPostback(opened(t, ring, p), func(k string) bert.Term { return values[k] })
}

// TestRulesTravel: the rules of inputs rendered before a postback element
// in the same Context are sealed with its postback, and checked.
func TestRulesTravel(t *testing.T) {
	cx, ring := mustContext(t)
	// Separate Render calls, as a templ page makes them.
	renderCx(t, cx, Textbox{Attrs: Attrs{ID: "name"}, Validate: Rule{Required: true, MaxLen: 5}})
	renderCx(t, cx, Email{Attrs: Attrs{ID: "mail"}})
	renderCx(t, cx, Number{Attrs: Attrs{ID: "age"}, Validate: Rule{Min: f64(18)}})
	renderCx(t, cx, Checkbox{Attrs: Attrs{ID: "terms"}, Validate: Rule{Required: true}})
	renderCx(t, cx, Date{Attrs: Attrs{ID: "day"}, Validate: Rule{Required: true}})
	renderCx(t, cx, Textbox{Attrs: Attrs{ID: "free"}}) // no rule: nothing sealed
	renderCx(t, cx, Button{Attrs: Attrs{ID: "save"}, Postback: bert.Atom("save"),
		Source: []string{"name", "mail", "age", "terms", "day", "free"}})
	js := string(cx.TakeJS())

	good := map[string]bert.Term{"name": bert.BinString("Ann"), "mail": bert.BinString("a@b.c"), "age": bert.BinString("21"),
		"terms": bert.BinString("true"), "day": bert.Tuple(bert.Int(2024), bert.Int(2), bert.Int(29)), "free": bert.BinString(strings.Repeat("x", 1000))}
	inner, problems := sealedRules(t, ring, js, "save", good)
	if !inner.Equal(bert.Atom("save")) || problems != nil {
		t.Errorf("good values: got %v, %v; want save, no problems", inner, problems)
	}
	bad := map[string]bert.Term{"name": bert.BinString("Annabel"), "mail": bert.BinString("nope"), "age": bert.BinString("17"),
		"terms": bert.BinString("false")}
	_, problems = sealedRules(t, ring, js, "save", bad)
	want := []string{"age", "day", "mail", "name", "terms"}
	if len(problems) != len(want) {
		t.Fatalf("bad values: got problems %v, want %v", problems, want)
	}
	for _, id := range want {
		if problems[id] == "" {
			t.Errorf("no problem for %s: %v", id, problems)
		}
	}
}

func TestRulesExplicitAndOrder(t *testing.T) {
	cx, ring := mustContext(t)
	// Declared on the button: the field is rendered after it.
	renderCx(t, cx, Button{Attrs: Attrs{ID: "b1"}, Postback: bert.Atom("b1"), Source: []string{"late"},
		Rules: map[string]Rule{"late": {Required: true}, "unsent": {Required: true}}})
	// Rendered after the button: not sealed with it.
	renderCx(t, cx, Textbox{Attrs: Attrs{ID: "late"}, Validate: Rule{MinLen: 3}})
	renderCx(t, cx, Button{Attrs: Attrs{ID: "b2"}, Postback: bert.Atom("b2"), Source: []string{"late"}})
	// An explicit rule replaces the registered one.
	renderCx(t, cx, Button{Attrs: Attrs{ID: "b3"}, Postback: bert.Atom("b3"), Source: []string{"late"},
		Rules: map[string]Rule{"late": {MaxLen: 1}}})
	js := string(cx.TakeJS())

	tests := []struct {
		trigger string
		value   string
		want    bool // a problem on "late"
	}{
		{"b1", "", true}, {"b1", "ab", false},
		{"b2", "ab", true}, {"b2", "", false}, {"b2", "abc", false},
		{"b3", "ab", true}, {"b3", "a", false},
	}
	for _, tt := range tests {
		_, problems := sealedRules(t, ring, js, tt.trigger, map[string]bert.Term{"late": bert.BinString(tt.value)})
		if _, got := problems["late"]; got != tt.want || len(problems) > 1 {
			t.Errorf("%s with %q: problems %v, want a problem on late: %v", tt.trigger, tt.value, problems, tt.want)
		}
	}
}

func TestRulesForgottenAndPerContext(t *testing.T) {
	cx, ring := mustContext(t)
	renderCx(t, cx, Textbox{Attrs: Attrs{ID: "f"}, Validate: Rule{Required: true}})
	renderCx(t, cx, Textbox{Attrs: Attrs{ID: "f"}}) // rendered again, without a rule
	renderCx(t, cx, Button{Attrs: Attrs{ID: "b"}, Postback: bert.Atom("b"), Source: []string{"f"}})
	if _, problems := sealedRules(t, ring, string(cx.TakeJS()), "b", nil); problems != nil {
		t.Errorf("a rule outlived its input's re-render: %v", problems)
	}

	other, ring2 := mustContext(t)
	renderCx(t, cx, Textbox{Attrs: Attrs{ID: "g"}, Validate: Rule{Required: true}})
	renderCx(t, other, Button{Attrs: Attrs{ID: "b"}, Postback: bert.Atom("b"), Source: []string{"g"}})
	if _, problems := sealedRules(t, ring2, string(other.TakeJS()), "b", nil); problems != nil {
		t.Errorf("a rule crossed Contexts: %v", problems)
	}
}

func TestRadioGroupRule(t *testing.T) {
	cx, ring := mustContext(t)
	renderCx(t, cx, Radio{Attrs: Attrs{ID: "s"}, Name: "size", Value: "s", Validate: Rule{Required: true}})
	renderCx(t, cx, Radio{Attrs: Attrs{ID: "m"}, Name: "size", Value: "m"}) // must not erase the group's rule
	renderCx(t, cx, Button{Attrs: Attrs{ID: "b"}, Postback: bert.Atom("b"), Source: []string{"size"}})
	js := string(cx.TakeJS())
	if _, problems := sealedRules(t, ring, js, "b", map[string]bert.Term{"size": bert.BinString("")}); problems["size"] == "" {
		t.Errorf("no problem for an unchosen required group: %v", problems)
	}
	if _, problems := sealedRules(t, ring, js, "b", map[string]bert.Term{"size": bert.BinString("m")}); problems != nil {
		t.Errorf("problems for a chosen group: %v", problems)
	}
}
