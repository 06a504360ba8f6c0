package elements

import (
	"context"
	"io"
	"strconv"
	"sync"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/nitro"
)

// renderer is implemented by this package's elements: they append to the
// render state of their parent instead of writing to the io.Writer one by
// one, so a tree of elements is rendered into one buffer and written in a
// few large writes.
type renderer interface {
	render(o *out)
}

// Buffer sizes: a render flushes what it has once it holds flushAt bytes,
// and a buffer grown past keepMax is not pooled.
const (
	flushAt = 8 << 10
	keepMax = 64 << 10
)

// out is the state of one Render call: the writer, a pooled buffer that
// the HTML is appended to, the first error, and the page Context if the
// render has one.
type out struct {
	ctx context.Context
	w   io.Writer
	buf []byte
	err error

	cx       *nitro.Context
	cxLooked bool
	reg      *registry // the Context's rule registry, once looked up
	regDone  bool
}

var outPool = sync.Pool{New: func() any { return &out{buf: make([]byte, 0, 4<<10)} }}

// begin starts a render to w.
func begin(ctx context.Context, w io.Writer) *out {
	o := outPool.Get().(*out)
	o.ctx, o.w = ctx, w
	return o
}

// end writes what is left in the buffer and returns the render's error,
// giving the state back to the pool.
func (o *out) end() error {
	o.flush()
	err := o.err
	o.ctx, o.w, o.err = nil, nil, nil
	o.cx, o.cxLooked, o.reg, o.regDone = nil, false, nil, false
	if cap(o.buf) <= keepMax {
		o.buf = o.buf[:0]
		outPool.Put(o)
	}
	return err
}

// flush writes the buffer to the writer.
func (o *out) flush() {
	if len(o.buf) == 0 {
		return
	}
	if o.err == nil {
		_, o.err = o.w.Write(o.buf)
	}
	o.buf = o.buf[:0]
}

// nitro returns the page Context the render runs in, or nil for a static
// render.
func (o *out) nitro() *nitro.Context {
	if !o.cxLooked {
		o.cxLooked = true
		if o.ctx != nil {
			o.cx, _ = nitro.FromContext(o.ctx)
		}
	}
	return o.cx
}

// fail records the first error of the render.
func (o *out) fail(err error) {
	if o.err == nil {
		o.err = err
	}
}

// child renders c in place: an element of this package into the same
// buffer, any other component straight to the writer after a flush.
func (o *out) child(c templ.Component) {
	if c == nil || o.err != nil {
		return
	}
	if r, ok := c.(renderer); ok {
		r.render(o)
		if len(o.buf) >= flushAt {
			o.flush()
		}
		return
	}
	o.flush()
	if o.err != nil {
		return
	}
	if err := c.Render(o.ctx, o.w); err != nil {
		o.fail(err)
	}
}

// body renders text (escaped) and then the children.
func (o *out) body(text string, body []templ.Component) {
	o.text(text)
	for _, c := range body {
		o.child(c)
	}
}

// raw appends s as it is: markup of this package's own making.
func (o *out) raw(s string) { o.buf = append(o.buf, s...) }

// text appends s HTML-escaped.
func (o *out) text(s string) { o.buf = appendEscaped(o.buf, s) }

// open appends "<tag".
func (o *out) open(tag string) {
	o.buf = append(o.buf, '<')
	o.buf = append(o.buf, tag...)
}

// close appends "</tag>".
func (o *out) close(tag string) {
	o.buf = append(o.buf, "</"...)
	o.buf = append(o.buf, tag...)
	o.buf = append(o.buf, '>')
}

// attr appends ` name="value"`, value escaped. name is one of this
// package's constants.
func (o *out) attr(name, value string) {
	o.buf = append(o.buf, ' ')
	o.buf = append(o.buf, name...)
	o.buf = append(o.buf, `="`...)
	o.buf = appendEscaped(o.buf, value)
	o.buf = append(o.buf, '"')
}

// attrIf appends the attribute when value is not empty.
func (o *out) attrIf(name, value string) {
	if value != "" {
		o.attr(name, value)
	}
}

// flag appends the boolean attribute ` name` when on.
func (o *out) flag(name string, on bool) {
	if on {
		o.buf = append(o.buf, ' ')
		o.buf = append(o.buf, name...)
	}
}

// intAttr appends ` name="n"` when n is positive.
func (o *out) intAttr(name string, n int) {
	if n > 0 {
		o.buf = append(o.buf, ' ')
		o.buf = append(o.buf, name...)
		o.buf = append(o.buf, `="`...)
		o.buf = strconv.AppendInt(o.buf, int64(n), 10)
		o.buf = append(o.buf, '"')
	}
}

// floatAttr appends ` name="f"` when f is set.
func (o *out) floatAttr(name string, f *float64) {
	if f != nil {
		o.buf = append(o.buf, ' ')
		o.buf = append(o.buf, name...)
		o.buf = append(o.buf, `="`...)
		o.buf = strconv.AppendFloat(o.buf, *f, 'g', -1, 64)
		o.buf = append(o.buf, '"')
	}
}

// url appends ` name="u"` with u sanitised as templ sanitises URLs: a
// scheme other than http, https, mailto, tel, ftp or ftps (javascript:,
// data:, vbscript:) becomes about:invalid#TemplFailedSanitizationURL.
func (o *out) url(name, u string) {
	o.attr(name, string(templ.URL(u)))
}
