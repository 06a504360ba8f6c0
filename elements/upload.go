package elements

import (
	"context"
	"io"

	"github.com/nitrogo/framework/actions"
)

// Upload is a file upload over the page's socket (N2O's ftp protocol):
// a file input, a <progress> bar, a status <span> and, unless AutoStart,
// a start button, inside a <span> that carries Attrs. Their ids are the
// Upload's id with "-file", "-progress", "-status" and "-start" appended.
//
// In a page Context it wires the browser client's ftp object: choosing a
// file calls ftp.init(file, {progress: "<id>-progress", autostart:
// false}), which announces the upload and returns its item, and the start
// button calls ftp.start(item); with AutoStart, the choice starts the
// upload at once. The client moves the <progress> bar as blocks are
// acknowledged. The server's ftp protocol (package nitro) receives the
// file and tells the page when it is complete; the status <span> (a live
// region, role="status") is the page's to fill then. When the upload ends
// the client clears the file input, or shows in the status why the server
// refused the file; choosing a file clears the status. The file input's
// data-progress names the bar, as the client's ftp.upload(input) expects.
// An Upload without an ID gets one from the page Context, or "upload" in a
// static render.
type Upload struct {
	Attrs
	Accept    string // accept, e.g. "image/*,.pdf"
	AutoStart bool   // start as soon as a file is chosen; no start button
	StartText string // the start button's text; empty means "Upload"
}

// Render writes the upload's HTML to w, and wires it in a page Context.
func (e Upload) Render(ctx context.Context, w io.Writer) error {
	o := begin(ctx, w)
	e.render(o)
	return o.end()
}

func (e Upload) render(o *out) {
	id := e.ID
	cx := o.nitro()
	if id == "" {
		if cx != nil {
			id = cx.NewID()
		} else {
			id = "upload"
		}
	}
	o.open("span")
	e.head(o, id)
	e.tail(o)
	o.raw(">")
	o.subID("input", id, "-file")
	o.raw(` type="file"`)
	o.attrIf("accept", e.Accept)
	o.buf = append(o.buf, ` data-progress="`...)
	o.buf = appendEscaped(o.buf, id)
	o.buf = append(o.buf, `-progress"`...)
	o.raw(">")
	o.subID("progress", id, "-progress")
	o.raw(` max="100" value="0"></progress>`)
	o.subID("span", id, "-status")
	o.raw(` role="status"></span>`)
	if !e.AutoStart {
		o.subID("button", id, "-start")
		o.raw(` type="button">`)
		if e.StartText == "" {
			o.raw("Upload")
		} else {
			o.text(e.StartText)
		}
		o.raw("</button>")
	}
	o.raw("</span>")
	if cx == nil {
		return
	}
	// The client's ftp.init starts sending at once unless told
	// autostart:false; then ftp.start(item) sends. The handlers are
	// properties, so wiring again (a reconnect's Init) replaces them. The
	// item's end runs when the upload is over: the input is cleared once
	// the file is stored, so the next choice is a new upload.
	js := "{var f=qi(" + actions.Quote(id+"-file") + "),s=qi(" + actions.Quote(id+"-status") + "),it=null," +
		"end=function(x){if(x!==it)return;it=null;if(x.state==\"done\")f.value=\"\";else if(s&&x.reason)s.textContent=x.reason;};" +
		"if(f)f.onchange=function(){if(s)s.textContent=\"\";" +
		"it=this.files&&this.files.length?ftp.init(this.files[0],{progress:" + actions.Quote(id+"-progress")
	if e.AutoStart {
		js += "}):null;if(it)it.end=end;};}"
	} else {
		js += ",autostart:false}):null;if(it)it.end=end;};var b=qi(" + actions.Quote(id+"-start") +
			");if(b)b.onclick=function(){if(it)ftp.start(it);};}"
	}
	cx.Wire(js)
}

// subID opens <tag id="id+suffix".
func (o *out) subID(tag, id, suffix string) {
	o.open(tag)
	o.buf = append(o.buf, ` id="`...)
	o.buf = appendEscaped(o.buf, id)
	o.buf = appendEscaped(o.buf, suffix)
	o.buf = append(o.buf, '"')
}
