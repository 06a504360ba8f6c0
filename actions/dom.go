package actions

import (
	"bytes"
	"sync"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/nitro"
)

// Update replaces the element id with what c renders (NITRO's
// nitro:update/2):
//
//	{var x=qi("id");if(x){x.outerHTML="<p id=\"id\">...</p>";}}
//
// followed by the JavaScript that rendering c queued, such as the
// postbacks of the elements inside, so that it finds them in the page. c
// renders with cx as its context.Context (nitro.FromContext finds it). If
// rendering fails, Update queues nothing and returns the error. A nil c
// renders nothing, which removes the element.
func Update(cx *nitro.Context, id string, c templ.Component) error {
	return place(cx, id, c, `x.outerHTML=`, "")
}

// UpdateText sets the text of the element id (its textContent), replacing
// its children: the text is shown as it is, never parsed as HTML.
//
//	{var x=qi("id");if(x){x.textContent="...";}}
func UpdateText(cx *nitro.Context, id, text string) {
	on(cx, ID(id), func(b []byte) []byte {
		b = append(b, "x.textContent="...)
		b = AppendQuote(b, text)
		return append(b, ';')
	})
}

// InsertTop inserts what c renders as the first children of the element
// id (NITRO's nitro:insert_top/2):
//
//	{var x=qi("id");if(x){x.insertAdjacentHTML("afterbegin","...");}}
//
// Table rows go in as rows: into a <tbody> target as they are, and into a
// <table> target's first <tbody>. Rendering is as for Update.
func InsertTop(cx *nitro.Context, id string, c templ.Component) error {
	return place(cx, id, c, `x.insertAdjacentHTML("afterbegin",`, "x=x.tBodies[0];")
}

// InsertBottom inserts what c renders as the last children of the element
// id (NITRO's nitro:insert_bottom/2), insertAdjacentHTML "beforeend".
// Table rows go into a <tbody> target as they are, and into a <table>
// target's last <tbody>. Rendering is as for Update.
func InsertBottom(cx *nitro.Context, id string, c templ.Component) error {
	return place(cx, id, c, `x.insertAdjacentHTML("beforeend",`, "x=x.tBodies[x.tBodies.length-1];")
}

// InsertBefore inserts what c renders just before the element id, as its
// siblings (insertAdjacentHTML "beforebegin"); rows go before a row.
// Rendering is as for Update.
func InsertBefore(cx *nitro.Context, id string, c templ.Component) error {
	return place(cx, id, c, `x.insertAdjacentHTML("beforebegin",`, "")
}

// InsertAfter inserts what c renders just after the element id, as its
// siblings (insertAdjacentHTML "afterend"); rows go after a row.
// Rendering is as for Update.
func InsertAfter(cx *nitro.Context, id string, c templ.Component) error {
	return place(cx, id, c, `x.insertAdjacentHTML("afterend",`, "")
}

// Clear removes all the children of the element id (NITRO's nitro:clear/1).
//
//	{var x=qi("id");if(x){x.textContent="";}}
func Clear(cx *nitro.Context, id string) {
	on(cx, ID(id), func(b []byte) []byte { return append(b, `x.textContent="";`...) })
}

// Remove removes the element id from the page (NITRO's nitro:remove/1).
//
//	{var x=qi("id");if(x){x.remove();}}
func Remove(cx *nitro.Context, id string) {
	on(cx, ID(id), func(b []byte) []byte { return append(b, `x.remove();`...) })
}

// place renders c, queues op(html) on the element id, and then the
// JavaScript the rendering queued. op is an assignment ("x.outerHTML=")
// or a call left open after its first argument; rows, if not "", is the
// statement that moves x from a <table> to the <tbody> that takes rows.
func place(cx *nitro.Context, id string, c templ.Component, op, rows string) error {
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	var err error
	js := cx.Capture(func() {
		if c != nil {
			err = c.Render(cx, buf)
		}
	})
	if err != nil {
		return err
	}
	html := buf.Bytes()
	call := op[len(op)-1] == ','
	on(cx, ID(id), func(b []byte) []byte {
		if rows != "" && startsWithRow(html) {
			b = append(b, "if(x.tBodies&&x.tBodies.length)"...)
			b = append(b, rows...)
		}
		b = append(b, op...)
		b = appendQuote(b, html)
		if call {
			b = append(b, ')')
		}
		return append(b, ';')
	})
	cx.WireBytes(js)
	return nil
}

// startsWithRow reports whether html starts with a <tr> element.
func startsWithRow(html []byte) bool {
	html = bytes.TrimLeft(html, " \t\r\n\f")
	if len(html) < 4 || html[0] != '<' || html[1]|0x20 != 't' || html[2]|0x20 != 'r' {
		return false
	}
	switch html[3] {
	case '>', ' ', '\t', '\r', '\n', '\f', '/':
		return true
	}
	return false
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putBuf(buf *bytes.Buffer) {
	if buf.Cap() > 64<<10 {
		return // let a rare big page go, rather than keep its buffer
	}
	buf.Reset()
	bufPool.Put(buf)
}
