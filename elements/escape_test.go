package elements_test

import (
	"bytes"
	"context"
	"errors"
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/a-h/templ"
	. "github.com/nitrogo/framework/elements"
)

const (
	hostile        = `"><script>alert(1)</script>'` + "\u2028\u2029" + `&`
	hostileEscaped = `&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;&#x2028;&#x2029;&amp;`
)

// TestEscaping puts hostile text in every text and attribute value of
// every element: none of it may come out as markup.
func TestEscaping(t *testing.T) {
	h := hostile
	a := Attrs{ID: h, Class: h, Style: h, Title: h, Data: map[string]string{"k": h, "j": h}, Aria: map[string]string{"label": h}}
	r := Rule{Pattern: h, Message: h}
	tests := []struct {
		name string
		c    templ.Component
	}{
		{"panel", Panel{Attrs: a, Text: h}},
		{"span", Span{Attrs: a, Text: h}},
		{"p", P{Attrs: a, Text: h}},
		{"heading", Heading{Attrs: a, Level: 2, Text: h}},
		{"link", Link{Attrs: a, Href: "/x?" + h, Target: h, Rel: h, Text: h}},
		{"button", Button{Attrs: a, Text: h}},
		{"textbox", Textbox{Attrs: a, Name: h, Value: h, Placeholder: h, Validate: r}},
		{"password", Password{Attrs: a, Name: h, Value: h, Validate: r}},
		{"email", Email{Attrs: a, Value: h, Validate: r}},
		{"number", Number{Attrs: a, Value: h, Step: h, Validate: r}},
		{"date", Date{Attrs: a, Value: h, Validate: r}},
		{"textarea", Textarea{Attrs: a, Name: h, Value: h, Placeholder: h, Validate: r}},
		{"hidden", Hidden{Attrs: a, Name: h, Value: h}},
		{"checkbox", Checkbox{Attrs: a, Name: h, Value: h, Text: h, Validate: r}},
		{"radio", Radio{Attrs: a, Name: h, Value: h, Text: h, Validate: r}},
		{"dropdown", Dropdown{Attrs: a, Name: h, Validate: r, Options: []Option{{Label: h, Value: h}}}},
		{"label", Label{Attrs: a, For: h, Text: h}},
		{"form", Form{Attrs: a, Action: "/" + h, Method: h}},
		{"fieldset", Fieldset{Attrs: a, Legend: h}},
		{"list", List{Attrs: a, Body: []templ.Component{Li{Attrs: a, Text: h}}}},
		{"table", Table{Attrs: a, Caption: h, Header: []string{h}, Rows: []Tr{{Attrs: a, Cells: []templ.Component{
			Td{Attrs: a, Text: h}, Th{Attrs: a, Scope: h, Text: h}}}}}},
		{"image", Image{Attrs: a, Src: "/" + h, Alt: h}},
		{"br", Br{Attrs: a}},
		{"hr", Hr{Attrs: a}},
		{"literal", Literal{Text: h}},
		{"upload", Upload{Attrs: a, Accept: h, StartText: h}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.c)
			for _, bad := range []string{"<script", "'", "\u2028", "\u2029"} {
				if strings.Contains(got, bad) {
					t.Errorf("output holds %q: %s", bad, got)
				}
			}
			// Every occurrence of the hostile text is escaped whole.
			if n := strings.Count(got, "alert"); n == 0 || strings.Count(got, hostileEscaped) != n {
				t.Errorf("%d occurrences of the hostile text, %d of them escaped: %s", n, strings.Count(got, hostileEscaped), got)
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{`<a href="x">'&'</a>`, "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;"},
		{"line\u2028para\u2029end", "line&#x2028;para&#x2029;end"},
		{"nul\x00byte", "nul\uFFFDbyte"},
		{"\u2020 dagger, \u2030 per mille stay", "\u2020 dagger, \u2030 per mille stay"},
		{"trailing \xe2\x80", "trailing \xe2\x80"}, // a cut-off sequence passes through
		{"bad \xff utf8", "bad \xff utf8"},
		{"é ü 日本", "é ü 日本"},
	}
	for _, tt := range tests {
		if got := render(t, Literal{Text: tt.in}); got != tt.want {
			t.Errorf("Literal{%q}: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzEscape checks that escaped text holds no markup character and reads
// back as the original (NUL aside).
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", hostile, "a\x00b", "\xe2\x80\xa8", "&amp;", "\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := render(t, Literal{Text: s})
		if strings.ContainsAny(esc, `<>"'`) || strings.Contains(esc, "\u2028") || strings.Contains(esc, "\u2029") {
			t.Fatalf("markup in escaped text: %q", esc)
		}
		if want := strings.ReplaceAll(s, "\x00", "\uFFFD"); utf8.ValidString(s) && html.UnescapeString(esc) != want {
			t.Fatalf("%q reads back as %q", s, html.UnescapeString(esc))
		}
		if got, want := render(t, Span{Attrs: Attrs{Title: s}, Text: s}), `<span title="`+esc+`">`+esc+`</span>`; s != "" && got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	})
}

func TestAttrName(t *testing.T) {
	for _, key := range []string{"", "a b", `x"y`, "a>b", "a=b", "a/b", "é"} {
		var buf bytes.Buffer
		err := Panel{Attrs: Attrs{Data: map[string]string{key: "v"}}}.Render(context.Background(), &buf)
		if !errors.Is(err, ErrAttrName) {
			t.Errorf("data key %q: got %v, want ErrAttrName", key, err)
		}
		err = Panel{Attrs: Attrs{Aria: map[string]string{"ok": "1", key: "v"}}}.Render(context.Background(), &buf)
		if !errors.Is(err, ErrAttrName) {
			t.Errorf("aria key %q: got %v, want ErrAttrName", key, err)
		}
	}
	got := render(t, Panel{Attrs: Attrs{Data: map[string]string{"a-b_c.d9": "v"}}})
	if want := `<div data-a-b_c.d9="v"></div>`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestManyDataAttrsSorted(t *testing.T) {
	m := map[string]string{}
	keys := "qwertyuiopasdfghjklzxcvbnm"
	for _, k := range keys {
		m[string(k)] = string(k)
	}
	got := render(t, Span{Attrs: Attrs{Data: m}})
	var want strings.Builder
	want.WriteString("<span")
	for k := 'a'; k <= 'z'; k++ {
		want.WriteString(` data-` + string(k) + `="` + string(k) + `"`)
	}
	want.WriteString("></span>")
	if got != want.String() {
		t.Errorf("got %s, want %s", got, want.String())
	}
}
