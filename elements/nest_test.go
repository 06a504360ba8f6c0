package elements_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/a-h/templ"
	. "github.com/nitrogo/framework/elements"
)

// card is what a .templ template compiles to: a ComponentFunc that writes
// its own markup and renders its children.
func card(title string, children ...templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, `<section class="card"><h2>`+templ.EscapeString(title)+`</h2>`); err != nil {
			return err
		}
		for _, c := range children {
			if err := c.Render(ctx, w); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, `</section>`)
		return err
	})
}

func TestNesting(t *testing.T) {
	tests := []struct {
		name string
		c    templ.Component
		want string
	}{
		{"element in templ", card("A & B", Button{Text: "Go"}, P{Text: "<p>"}),
			`<section class="card"><h2>A &amp; B</h2><button type="button">Go</button><p>&lt;p&gt;</p></section>`},
		{"templ in element", Panel{Text: "before", Body: []templ.Component{card("inner"), Span{Text: "after"}}},
			`<div>before<section class="card"><h2>inner</h2></section><span>after</span></div>`},
		{"deep", Panel{Body: []templ.Component{card("x", Panel{Body: []templ.Component{card("y", Literal{Text: "z"})}})}},
			`<div><section class="card"><h2>x</h2><div><section class="card"><h2>y</h2>z</section></div></section></div>`},
		{"templ.Raw in element", Span{Body: []templ.Component{templ.Raw("<b>raw</b>")}}, `<span><b>raw</b></span>`},
		{"nil child", Panel{Body: []templ.Component{nil, Br{}}}, `<div><br></div>`},
		{"pointer element", Panel{Body: []templ.Component{&Span{Text: "p"}}}, `<div><span>p</span></div>`},
		{"table cells", Table{Rows: []Tr{{Cells: []templ.Component{Td{Body: []templ.Component{card("c")}}}}}},
			`<table><tbody><tr><td><section class="card"><h2>c</h2></section></td></tr></tbody></table>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.c); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestLargeBody renders more than the buffer holds, across elements and
// templ components, in order.
func TestLargeBody(t *testing.T) {
	var body []templ.Component
	var want strings.Builder
	want.WriteString("<div>")
	for i := range 3000 {
		if i%7 == 0 {
			body = append(body, card("c"))
			want.WriteString(`<section class="card"><h2>c</h2></section>`)
			continue
		}
		body = append(body, Span{Text: "some text in a span"})
		want.WriteString("<span>some text in a span</span>")
	}
	want.WriteString("</div>")
	if got := render(t, Panel{Body: body}); got != want.String() {
		t.Errorf("large body rendered out of order (len %d, want %d)", len(got), want.Len())
	}
}

var errBoom = errors.New("boom")

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, errBoom
	}
	w.n--
	return len(p), nil
}

func TestErrors(t *testing.T) {
	failing := templ.ComponentFunc(func(context.Context, io.Writer) error { return errBoom })
	tests := []struct {
		name string
		c    templ.Component
		w    io.Writer
	}{
		{"child fails", Panel{Body: []templ.Component{Span{}, failing, Span{}}}, io.Discard},
		{"nested child fails", Panel{Body: []templ.Component{Li{Body: []templ.Component{failing}}}}, io.Discard},
		{"writer fails", Panel{Text: "x"}, &failWriter{}},
		{"writer fails before a templ child", Panel{Body: []templ.Component{Span{}, card("x")}}, &failWriter{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.c.Render(context.Background(), tt.w); !errors.Is(err, errBoom) {
				t.Errorf("got %v, want %v", err, errBoom)
			}
		})
	}
	// After a failed child, nothing of the failed element's later children
	// is written.
	var buf bytes.Buffer
	_ = Panel{Body: []templ.Component{failing, Span{Text: "later"}}}.Render(context.Background(), &buf)
	if strings.Contains(buf.String(), "later") {
		t.Errorf("rendered past an error: %s", buf.String())
	}
}

func TestNilContext(t *testing.T) {
	var buf bytes.Buffer
	if err := (Button{Text: "x", Postback: "p"}).Render(nil, &buf); err != nil { // a nil context renders statically
		t.Fatal(err)
	}
	if got, want := buf.String(), `<button type="button">x</button>`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
