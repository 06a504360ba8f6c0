package elements

import (
	"context"
	"io"
	"strconv"
	"time"
)

// What the browser client shows of a Time with Local set, in the viewer's
// time zone and language (the values of its data-local attribute).
const (
	LocalTime     = "time"     // the time of day: 14:05
	LocalDate     = "date"     // the date: 12 Mar 2025
	LocalDateTime = "datetime" // both: 12 Mar 2025, 14:05
	LocalAuto     = "auto"     // the time of day if it is today, else both
)

// Time is a <time> of the moment At, its datetime attribute At in UTC
// (RFC 3339). The server does not know the viewer's time zone, so its
// text is At in UTC, formatted by Layout; with Local set (LocalTime,
// LocalDate, LocalDateTime, LocalAuto), it renders data-local, and the
// browser client rewrites the text in the viewer's time zone, and titles
// it with the full date and time, when the page first shows and whenever
// the server's JavaScript adds times: a page without JavaScript still
// shows the time, in UTC.
//
// Without a Layout the text is "15:04 UTC" (LocalTime), "2 Jan 2006"
// (LocalDate) or "2 Jan 2006 15:04 UTC", written without time.Format's
// parsing of a layout: a page of messages renders hundreds of times.
type Time struct {
	Attrs
	At     time.Time
	Local  string // what the client shows; "" leaves the server's text
	Layout string // the server's text, in UTC, as time.Format writes it; empty: see above
}

// Render writes the time's HTML to w.
func (e Time) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Time) render(o *out) {
	at := e.At.UTC()
	c := fieldsOf(at)
	o.open("time")
	e.head(o, e.ID)
	o.raw(` datetime="`)
	o.buf = c.appendRFC3339(o.buf, at) // digits, '-', ':', 'T', 'Z': nothing to escape
	o.raw(`"`)
	o.attrIf("data-local", e.Local)
	e.tail(o)
	o.raw(">")
	switch {
	case e.Layout != "":
		var text [64]byte
		o.buf = appendEscaped(o.buf, string(at.AppendFormat(text[:0], e.Layout)))
	case e.Local == LocalDate:
		o.buf = c.appendDate(o.buf, at)
	case e.Local == LocalTime:
		o.buf = c.appendClock(o.buf)
		o.raw(" UTC")
	default:
		o.buf = c.appendDate(o.buf, at)
		o.raw(" ")
		o.buf = c.appendClock(o.buf)
		o.raw(" UTC")
	}
	o.close("time")
}

// fields are a time's date and clock, computed once for all its texts.
type fields struct {
	y             int
	mo            time.Month
	d, h, mi, s   int
	fourDigitYear bool
}

func fieldsOf(t time.Time) fields {
	var f fields
	f.y, f.mo, f.d = t.Date()
	f.h, f.mi, f.s = t.Clock()
	f.fourDigitYear = 0 <= f.y && f.y <= 9999
	return f
}

// appendRFC3339 appends t (in UTC) as time.RFC3339 does.
func (f fields) appendRFC3339(b []byte, t time.Time) []byte {
	if !f.fourDigitYear {
		return t.AppendFormat(b, time.RFC3339)
	}
	b = append2(append2(b, f.y/100), f.y%100)
	b = append2(append(b, '-'), int(f.mo))
	b = append2(append(b, '-'), f.d)
	b = append2(append(b, 'T'), f.h)
	b = append2(append(b, ':'), f.mi)
	b = append2(append(b, ':'), f.s)
	return append(b, 'Z')
}

// appendDate appends t as "2 Jan 2006".
func (f fields) appendDate(b []byte, t time.Time) []byte {
	if !f.fourDigitYear {
		return t.AppendFormat(b, "2 Jan 2006")
	}
	b = strconv.AppendInt(b, int64(f.d), 10)
	b = append(b, ' ')
	b = append(b, f.mo.String()[:3]...)
	b = append(b, ' ')
	return append2(append2(b, f.y/100), f.y%100)
}

// appendClock appends the time as "15:04".
func (f fields) appendClock(b []byte) []byte {
	return append2(append(append2(b, f.h), ':'), f.mi)
}

// append2 appends n, from 0 to 99, in two digits.
func append2(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }
