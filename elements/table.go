package elements

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// Table is a <table>: an optional Caption, a header row of Header (each a
// <th scope="col">, escaped), and Rows in a <tbody>, which is always
// rendered so that rows can be inserted into it later.
type Table struct {
	Attrs
	Caption string
	Header  []string
	Rows    []Tr
}

// Render writes the table's HTML to w, and wires the postbacks of its rows
// in a page Context.
func (e Table) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Table) render(o *out) {
	o.open("table")
	e.head(o, e.ID)
	e.tail(o)
	o.raw(">")
	if e.Caption != "" {
		o.raw("<caption>")
		o.text(e.Caption)
		o.raw("</caption>")
	}
	if len(e.Header) > 0 {
		o.raw("<thead><tr>")
		for _, h := range e.Header {
			o.raw(`<th scope="col">`)
			o.text(h)
			o.raw("</th>")
		}
		o.raw("</tr></thead>")
	}
	o.raw("<tbody>")
	for i := range e.Rows {
		e.Rows[i].render(o)
		if len(o.buf) >= flushAt {
			o.flush()
		}
	}
	o.raw("</tbody></table>")
}

// Tr is a table row, <tr>, of Cells (usually Td and Th). With a Postback,
// a click on the row sends it, with the values of the Source fields.
type Tr struct {
	Attrs
	Cells []templ.Component

	Postback any             // sent on click; a bert.Term, or a Go value bert.ToTerm converts
	Source   []string        // ids of the fields whose values the postback sends
	Rules    map[string]Rule // rules of Source fields, beside those registered by inputs
}

// Render writes the row's HTML to w, and wires its postback in a page
// Context.
func (e Tr) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Tr) render(o *out) {
	id := o.elementID(e.ID, e.Postback)
	o.open("tr")
	e.head(o, id)
	e.tail(o)
	o.raw(">")
	o.body("", e.Cells)
	o.raw("</tr>")
	o.wire(id, onClick, e.Postback, e.Source, e.Rules, false)
}

// Td is a table cell, <td>; Colspan and Rowspan above 1 are rendered.
type Td struct {
	Attrs
	Colspan, Rowspan int
	Text             string
	Body             []templ.Component
}

// Render writes the cell's HTML to w.
func (e Td) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Td) render(o *out) { o.cell("td", &e.Attrs, e.Colspan, e.Rowspan, "", e.Text, e.Body) }

// Th is a header cell, <th>; Scope is "col", "row", "colgroup" or
// "rowgroup". Colspan and Rowspan above 1 are rendered.
type Th struct {
	Attrs
	Colspan, Rowspan int
	Scope            string
	Text             string
	Body             []templ.Component
}

// Render writes the cell's HTML to w.
func (e Th) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Th) render(o *out) { o.cell("th", &e.Attrs, e.Colspan, e.Rowspan, e.Scope, e.Text, e.Body) }

func (o *out) cell(tag string, a *Attrs, colspan, rowspan int, scope, text string, body []templ.Component) {
	o.open(tag)
	a.head(o, a.ID)
	if colspan > 1 {
		o.intAttr("colspan", colspan)
	}
	if rowspan > 1 {
		o.intAttr("rowspan", rowspan)
	}
	o.attrIf("scope", scope)
	a.tail(o)
	o.raw(">")
	o.body(text, body)
	o.close(tag)
}
