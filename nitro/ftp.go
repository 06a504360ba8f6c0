package nitro

import (
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/nitrogo/framework/nitro/bert"
)

// FTP is the upload protocol (N2O's n2o_ftp), on the wire of N2O's ftp.js.
// The browser sends {ftp, Id, Sid, Filename, Meta, Size, Offset, Block,
// Data, Status, Options}; the server answers each message with the same
// fields tagged ftpack:
//
//	status <<"init">>           → ftpack init: Offset = the bytes the server
//	                              holds (resume from there), Block = 262144
//	status <<"send">>, Data     → ftpack send: Data stored at Offset, the new
//	                              Offset; at Size, Block = 0 (stop)
//	anything refused            → ftpack error, Block = 0,
//	                              Options = [{reason, <<"...">>}]
//
// Unlike N2O, an upload belongs to the connection's session, whatever the
// Sid field says; the file name is sanitised (SanitizeFilename) and the
// stored file never replaces another; Data is written only at the offset
// the server holds, and a block for any other offset is answered with
// that offset, for the client to resend from there; Size is limited
// (UploadConfig.MaxSize); and {sha256, <<Hex>>} in Options, sent with any
// message of the upload, is checked when it completes.
//
// The page gets UploadProgress after each stored block and Uploaded when
// the file is complete. JavaScript it queues then is sent in an io frame
// of its own, ahead of the ftpack.
var FTP Protocol = ProtocolFunc(serveFTP)

// The events of an upload, which a page's Event receives as it does Init.
type (
	// UploadProgress: a block of an upload was stored. ID is the
	// browser's id of the upload, Name the sanitised file name, Offset the
	// bytes stored so far, of Size.
	UploadProgress struct {
		ID, Name     string
		Offset, Size int64
	}

	// Uploaded: an upload is complete and stored at Path (in
	// UploadConfig.Dir), under Name: the sanitised name, with -1, -2...
	// before its extension if a file had that name already. Move or
	// process the file from here; nitro never touches it again.
	Uploaded struct {
		ID, Name, Path string
		Size           int64
	}
)

var (
	atomFTPAck = bert.Atom("ftpack")
	atomReason = bert.Atom("reason")
	atomSHA256 = bert.Atom("sha256")
)

func serveFTP(cx *Context, msg any) (Reply, bool) {
	m, ok := msg.(bert.Term)
	if !ok || m.Kind() != bert.KindTuple || !m.At(0).IsAtom("ftp") {
		return Reply{}, false
	}
	return cx.srv.uploads.serve(cx, m), true
}

// ftpMsg is a decoded {ftp, ...} message.
type ftpMsg struct {
	id, sid, meta       bert.Term // echoed as sent
	name                string    // as sent: sanitise before use
	size, offset, block int64
	data                []byte
	status              string
	opts                bert.Term
}

// parseFTP decodes m, checking the kind of every field. What it decoded
// before a bad field is set, for the error ack to echo.
func parseFTP(m bert.Term) (f ftpMsg, err error) {
	f.id, f.sid = bert.Bin(nil), bert.Bin(nil)
	if !m.Is("ftp", 11) {
		if id := m.At(1); isText(id) {
			f.id = id
		}
		return f, fmt.Errorf("%w: %d fields, want 11", ErrUploadBadField, m.Len())
	}
	bad := func(field string) error { return fmt.Errorf("%w: %s", ErrUploadBadField, field) }
	if !isText(m.At(1)) {
		return f, bad("id")
	}
	f.id = m.At(1)
	if !isText(m.At(2)) {
		return f, bad("sid")
	}
	f.sid = m.At(2)
	if !isText(m.At(3)) {
		return f, bad("filename")
	}
	f.name, f.meta = m.At(3).Text(), m.At(4)
	var ok1, ok2, ok3 bool
	f.size, ok1 = m.At(5).Int()
	f.offset, ok2 = m.At(6).Int()
	f.block, ok3 = m.At(7).Int()
	switch {
	case !ok1 || f.size < 0:
		f.size = 0
		return f, bad("size")
	case !ok2 || f.offset < 0:
		return f, bad("offset")
	case !ok3:
		return f, bad("block")
	}
	switch d := m.At(8); {
	case d.Kind() == bert.KindBinary:
		f.data = d.Bytes()
	case !d.IsNil():
		return f, bad("data")
	}
	if !isText(m.At(9)) {
		return f, bad("status")
	}
	f.status = m.At(9).Text()
	if f.opts = m.At(10); f.opts.Kind() != bert.KindList || !f.opts.IsProper() {
		f.opts = bert.Nil()
		return f, bad("options")
	}
	return f, nil
}

// isText reports a binary, or an Erlang string: [] (N2O's default for an
// unset field) or a byte list.
func isText(t bert.Term) bool {
	k := t.Kind()
	return k == bert.KindBinary || k == bert.KindByteList || t.IsNil()
}

// announcedSHA256 returns the lower-case hex sha256 of Options, if given.
func announcedSHA256(opts bert.Term) (sum string, given bool, err error) {
	v, ok := opts.Get(atomSHA256)
	if !ok {
		return "", false, nil
	}
	sum = strings.ToLower(v.Text())
	if b, err := hex.DecodeString(sum); !isText(v) || err != nil || len(b) != 32 {
		return "", false, fmt.Errorf("%w: sha256", ErrUploadBadField)
	}
	return sum, true, nil
}

func (u *uploads) serve(cx *Context, m bert.Term) Reply {
	f, err := parseFTP(m)
	if err != nil {
		return u.refuse(cx, f, "", 0, err)
	}
	name := SanitizeFilename(f.name)
	switch {
	case cx.sid == "":
		return u.refuse(cx, f, name, 0, ErrUploadNoSession)
	case !acceptsUploads(cx):
		return u.refuse(cx, f, name, 0, ErrUploadRefused)
	case f.size > u.max:
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %d bytes, limit %d", ErrUploadTooLarge, f.size, u.max))
	case !filepath.IsLocal(name): // never, for a sanitised name: a last guard
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: filename", ErrUploadBadField))
	case f.status != "init" && f.status != "send":
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: status %q", ErrUploadBadField, f.status))
	case len(f.data) > uploadBlock:
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %d bytes", ErrUploadBlock, len(f.data)))
	}
	up := u.upload(cx.sid, name, f.size)
	release := u.lock(up.key)
	defer release()
	if sum, given, err := announcedSHA256(f.opts); err != nil {
		return u.refuse(cx, f, name, 0, err)
	} else if given {
		if err := up.expect(sum); err != nil {
			return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %v", ErrUploadStorage, err))
		}
	}
	off, err := up.offset()
	if err != nil {
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %v", ErrUploadStorage, err))
	}
	if off > f.size { // never written so: a damaged partial file, start over
		up.discard()
		off = 0
	}
	if f.status == "init" {
		if name, ok := up.stored(f.id.Text()); ok && off == 0 {
			// Stored already: its last ack was lost with the connection.
			return ftpack(f, name, f.size, 0, "init", bert.Nil())
		}
		if off < f.size {
			return ftpack(f, name, off, uploadBlock, "init", bert.Nil())
		}
		if f.size == 0 { // nothing to send: the file is complete at once
			if _, err := up.write(0, nil); err != nil {
				return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %v", ErrUploadStorage, err))
			}
		}
		return u.complete(cx, f, up, "init")
	}
	if f.offset != off || len(f.data) == 0 {
		// Not the block the server needs: say where to resume.
		return ftpack(f, name, off, uploadBlock, "send", bert.Nil())
	}
	if off+int64(len(f.data)) > f.size {
		return u.refuse(cx, f, name, off, fmt.Errorf("%w: %d+%d of %d", ErrUploadBeyond, off, len(f.data), f.size))
	}
	u.pace(cx, len(f.data))
	if off, err = up.write(off, f.data); err != nil {
		return u.refuse(cx, f, name, off, fmt.Errorf("%w: %v", ErrUploadStorage, err))
	}
	cx.uploadEvent(UploadProgress{ID: f.id.Text(), Name: name, Offset: off, Size: f.size})
	if off < f.size {
		return ftpack(f, name, off, uploadBlock, "send", bert.Nil())
	}
	return u.complete(cx, f, up, "send")
}

// complete moves a complete upload to its place, tells the page, and acks
// with Offset = Size, Block = 0.
func (u *uploads) complete(cx *Context, f ftpMsg, up upload, status string) Reply {
	name, path, err := up.finish()
	if err != nil {
		if !errors.Is(err, ErrUploadHash) {
			err = fmt.Errorf("%w: %v", ErrUploadStorage, err)
		}
		off, _ := up.offset()
		return u.refuse(cx, f, up.name, off, err)
	}
	u.log.Info("nitro: upload stored", "sid", cx.sid, "id", f.id.Text(), "path", path, "size", f.size)
	if err := writeFile(up.doneFile(f.id.Text()), []byte(name)); err != nil {
		u.log.Warn("nitro: upload stored, but its record was not", "err", err)
	}
	cx.uploadEvent(Uploaded{ID: f.id.Text(), Name: name, Path: path, Size: f.size})
	return ftpack(f, name, f.size, 0, status, bert.Nil())
}

// uploadEvent runs the page's Event. JavaScript it queued goes out at once
// in an io frame of its own: the ack that follows is an ftpack, which
// carries none.
func (cx *Context) uploadEvent(ev any) {
	cx.event(ev)
	if len(cx.js) > 0 && cx.conn != nil {
		cx.conn.reply(cx.io(bert.Bin(nil)))
		cx.js = cx.js[:0]
	}
}

// refuse logs why a message was refused and answers with an error ack:
// the browser gets the reason without its detail, and Block 0 stops it.
func (u *uploads) refuse(cx *Context, f ftpMsg, name string, off int64, err error) Reply {
	args := []any{"err", err, "sid", cx.sid, "path", cx.path, "id", f.id.Text(), "name", name}
	if errors.Is(err, ErrUploadStorage) {
		u.log.Error("nitro: upload failed", args...)
	} else {
		u.log.Warn("nitro: upload refused", args...)
	}
	reason := bert.List(bert.Tuple(atomReason, bert.BinString(uploadReason(err))))
	return ftpack(f, name, off, 0, "error", reason)
}

// uploadReason is what the browser is told: the sentinel's text, never
// the detail (which may name server paths).
func uploadReason(err error) string {
	for _, s := range []error{ErrUploadNoSession, ErrUploadRefused, ErrUploadTooLarge, ErrUploadBadField, ErrUploadBeyond,
		ErrUploadBlock, ErrUploadHash, ErrUploadStorage} {
		if errors.Is(err, s) {
			return strings.TrimPrefix(s.Error(), "nitro: ")
		}
	}
	return "upload failed"
}

func ftpack(f ftpMsg, name string, off, block int64, status string, opts bert.Term) Reply {
	return TermReply(bert.Tuple(atomFTPAck, f.id, f.sid, bert.BinString(name), f.meta,
		bert.Int(f.size), bert.Int(off), bert.Int(block), bert.Bin(nil), bert.BinString(status), opts))
}

// UploadGate is a Page that says whether it takes uploads. A page that is
// not one takes them; package pages asks its pages to opt in.
type UploadGate interface {
	AcceptUploads(cx *Context) bool
}

func acceptsUploads(cx *Context) bool {
	g, ok := cx.page.(UploadGate)
	return !ok || g.AcceptUploads(cx)
}
