package ftp

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// Protocol is the upload protocol (N2O's n2o_ftp), on the wire of N2O's
// ftp.js. Put it in the server's chain (nitro.Config.Protocols).
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
// (Config.MaxSize); and {sha256, <<Hex>>} in Options, sent with any
// message of the upload, is checked when it completes.
//
// The page gets Progress after each stored block and Uploaded when the
// file is complete. JavaScript it queues then is sent in an io frame of
// its own, ahead of the ftpack.
type Protocol struct {
	u *uploads
}

var (
	_ nitro.Protocol = (*Protocol)(nil)
	_ nitro.Runner   = (*Protocol)(nil)
)

// New returns the upload protocol for cfg. It starts nothing: the server
// runs its sweeper (Run) while it serves.
func New(cfg Config) *Protocol { return &Protocol{u: newUploads(cfg)} }

// Name is the protocol's name in the server's Stats: "ftp".
func (p *Protocol) Name() string { return "ftp" }

// Serve takes the {ftp, ...} messages.
func (p *Protocol) Serve(cx *nitro.Context, msg any) (nitro.Reply, bool) {
	m, ok := msg.(bert.Term)
	if !ok || m.Kind() != bert.KindTuple || !m.At(0).IsAtom("ftp") {
		return nitro.Reply{}, false
	}
	return p.u.serve(cx, m), true
}

// Run removes the partial files of abandoned uploads (Config.PartialTTL)
// at once and then every hour, until ctx is done.
func (p *Protocol) Run(ctx context.Context) {
	p.u.sweep(time.Now())
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.u.sweep(now)
		}
	}
}

// Sweep removes the partial files of uploads untouched for the configured
// PartialTTL, as Run does every hour, and returns how many it removed.
func (p *Protocol) Sweep(now time.Time) int { return p.u.sweep(now) }

// The events of an upload, which a page's Event receives as it does Init.
type (
	// Progress: a block of an upload was stored. ID is the
	// browser's id of the upload, Name the sanitised file name, Offset the
	// bytes stored so far, of Size.
	Progress struct {
		ID, Name     string
		Offset, Size int64
	}

	// Uploaded: an upload is complete and stored at Path (in
	// Config.Dir), under Name: the sanitised name, with -1, -2...
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
		return f, fmt.Errorf("%w: %d fields, want 11", ErrBadField, m.Len())
	}
	bad := func(field string) error { return fmt.Errorf("%w: %s", ErrBadField, field) }
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
		return "", false, fmt.Errorf("%w: sha256", ErrBadField)
	}
	return sum, true, nil
}

func (u *uploads) serve(cx *nitro.Context, m bert.Term) nitro.Reply {
	f, err := parseFTP(m)
	if err != nil {
		return u.refuse(cx, f, "", 0, err)
	}
	name := SanitizeFilename(f.name)
	switch {
	case cx.SessionID() == "":
		return u.refuse(cx, f, name, 0, ErrNoSession)
	case !acceptsUploads(cx):
		return u.refuse(cx, f, name, 0, ErrRefused)
	case f.size > u.max:
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, f.size, u.max))
	case !filepath.IsLocal(name): // never, for a sanitised name: a last guard
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: filename", ErrBadField))
	case f.status != "init" && f.status != "send":
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: status %q", ErrBadField, f.status))
	case len(f.data) > uploadBlock:
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %d bytes", ErrBlock, len(f.data)))
	}
	up := u.upload(cx.SessionID(), name, f.size)
	release := u.lock(up.key)
	defer release()
	if sum, given, err := announcedSHA256(f.opts); err != nil {
		return u.refuse(cx, f, name, 0, err)
	} else if given {
		if err := up.expect(sum); err != nil {
			return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %v", ErrStorage, err))
		}
	}
	off, err := up.offset()
	if err != nil {
		return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %v", ErrStorage, err))
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
		if off == 0 && !u.files.Allow(cx.SessionID()) {
			return u.refuse(cx, f, name, 0, fmt.Errorf("%w: files a minute", ErrQuota))
		}
		if off < f.size {
			return ftpack(f, name, off, uploadBlock, "init", bert.Nil())
		}
		if f.size == 0 { // nothing to send: the file is complete at once
			if _, err := up.write(0, nil); err != nil {
				return u.refuse(cx, f, name, 0, fmt.Errorf("%w: %v", ErrStorage, err))
			}
		}
		return u.complete(cx, f, up, "init")
	}
	if f.offset != off || len(f.data) == 0 {
		// Not the block the server needs: say where to resume.
		return ftpack(f, name, off, uploadBlock, "send", bert.Nil())
	}
	if off+int64(len(f.data)) > f.size {
		return u.refuse(cx, f, name, off, fmt.Errorf("%w: %d+%d of %d", ErrBeyond, off, len(f.data), f.size))
	}
	if !u.bytes.AllowN(cx.SessionID(), len(f.data)) {
		return u.refuse(cx, f, name, off, fmt.Errorf("%w: bytes an hour", ErrQuota))
	}
	u.pace(cx, len(f.data))
	if off, err = up.write(off, f.data); err != nil {
		return u.refuse(cx, f, name, off, fmt.Errorf("%w: %v", ErrStorage, err))
	}
	uploadEvent(cx, Progress{ID: f.id.Text(), Name: name, Offset: off, Size: f.size})
	if off < f.size {
		return ftpack(f, name, off, uploadBlock, "send", bert.Nil())
	}
	return u.complete(cx, f, up, "send")
}

// complete moves a complete upload to its place, tells the page, and acks
// with Offset = Size, Block = 0.
func (u *uploads) complete(cx *nitro.Context, f ftpMsg, up upload, status string) nitro.Reply {
	name, path, err := up.finish()
	if err != nil {
		if !errors.Is(err, ErrHash) {
			err = fmt.Errorf("%w: %v", ErrStorage, err)
		}
		off, _ := up.offset()
		return u.refuse(cx, f, up.name, off, err)
	}
	u.logger(cx).Info("nitro: upload stored", "sid", cx.SessionID(), "id", f.id.Text(), "path", path, "size", f.size)
	if err := writeFile(up.doneFile(f.id.Text()), []byte(name)); err != nil {
		u.logger(cx).Warn("nitro: upload stored, but its record was not", "err", err)
	}
	uploadEvent(cx, Uploaded{ID: f.id.Text(), Name: name, Path: path, Size: f.size})
	return ftpack(f, name, f.size, 0, status, bert.Nil())
}

// uploadEvent runs the page's Event. JavaScript it queued goes out at once
// in an io frame of its own: the ack that follows is an ftpack, which
// carries none.
func uploadEvent(cx *nitro.Context, ev any) {
	cx.Event(ev)
	cx.Flush()
}

// refuse logs why a message was refused and answers with an error ack:
// the browser gets the reason without its detail, and Block 0 stops it.
func (u *uploads) refuse(cx *nitro.Context, f ftpMsg, name string, off int64, err error) nitro.Reply {
	args := []any{"err", err, "sid", cx.SessionID(), "path", cx.Path(), "id", f.id.Text(), "name", name}
	if errors.Is(err, ErrStorage) {
		u.logger(cx).Error("nitro: upload failed", args...)
	} else {
		u.logger(cx).Warn("nitro: upload refused", args...)
	}
	reason := bert.List(bert.Tuple(atomReason, bert.BinString(uploadReason(err))))
	return ftpack(f, name, off, 0, "error", reason)
}

// uploadReason is what the browser is told: the sentinel's text, never
// the detail (which may name server paths).
func uploadReason(err error) string {
	for _, s := range []error{ErrNoSession, ErrRefused, ErrTooLarge, ErrBadField, ErrBeyond,
		ErrBlock, ErrHash, ErrStorage, ErrQuota} {
		if errors.Is(err, s) {
			return strings.TrimPrefix(s.Error(), "ftp: ")
		}
	}
	return "upload failed"
}

func ftpack(f ftpMsg, name string, off, block int64, status string, opts bert.Term) nitro.Reply {
	return nitro.TermReply(bert.Tuple(atomFTPAck, f.id, f.sid, bert.BinString(name), f.meta,
		bert.Int(f.size), bert.Int(off), bert.Int(block), bert.Bin(nil), bert.BinString(status), opts))
}

// Gate is a Page that says whether it takes uploads. A page that is not
// one takes them; package pages asks its pages to opt in.
type Gate interface {
	AcceptUploads(cx *nitro.Context) bool
}

func acceptsUploads(cx *nitro.Context) bool {
	g, ok := cx.Page().(Gate)
	return !ok || g.AcceptUploads(cx)
}
