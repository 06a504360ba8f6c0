package nitrotest

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/nitrogo/framework/nitro/bert"
)

// Ack is a decoded {ftpack, Id, Sid, Filename, Meta, Size, Offset, Block,
// Data, Status, Options} frame: the server's answer to an upload message.
type Ack struct {
	ID, Sid, Filename string
	Meta              bert.Term
	Size, Offset      int64
	Block             int64 // 0: stop sending
	Status            string
	Options           bert.Term
	Reason            string // the {reason, R} of Options, for status "error"
}

// UploadResult is what an upload came to.
type UploadResult struct {
	Acks   []Ack // every ack, the init's first
	IO     []IO  // the io frames that came meanwhile: the page's JavaScript
	Blocks int   // blocks sent after init
	// Last is the last ack. Last.Status is "error" for a refusal, with
	// Last.Reason; Last.Offset is what the server holds.
	Last Ack
	// Done reports a complete upload: Offset = Size and Block 0.
	Done bool
}

// UploadOption changes how Upload uploads.
type UploadOption func(*uploadConfig)

type uploadConfig struct {
	id, sid   string
	sidSet    bool
	stopAfter int
	opts      []bert.Term
	meta      bert.Term
}

// UploadStopAfter stops after n blocks were sent and acked, leaving the
// upload unfinished; Close the client then to drop the connection.
func UploadStopAfter(n int) UploadOption {
	return func(c *uploadConfig) { c.stopAfter = n }
}

// UploadSid sets the Sid field, where N2O's client puts the session
// token. Without it, the field holds the client's token.
func UploadSid(sid string) UploadOption {
	return func(c *uploadConfig) { c.sid, c.sidSet = sid, true }
}

// UploadID sets the upload's Id. Without it, Id is random, as the
// browser's.
func UploadID(id string) UploadOption {
	return func(c *uploadConfig) { c.id = id }
}

// UploadSHA256 announces the file's sha256 (hex) in Options, for the
// server to check.
func UploadSHA256(hexSum string) UploadOption {
	return func(c *uploadConfig) {
		c.opts = append(c.opts, bert.Tuple(bert.Atom("sha256"), bert.BinString(hexSum)))
	}
}

// Upload uploads data as the file name, as N2O's ftp.js does: it sends
// init, then each block the server asks for, from the offset the server
// acked (so a resumed upload sends only the rest), until the server says
// stop (Block 0). It fails the test if the server goes silent; a refusal
// is a result, not a failure.
func (c *Client) Upload(name string, data []byte, opts ...UploadOption) UploadResult {
	c.tb.Helper()
	cfg := uploadConfig{meta: bert.Bin(nil)}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.id == "" {
		var b [16]byte
		rand.Read(b[:])
		cfg.id = hex.EncodeToString(b[:])
	}
	if !cfg.sidSet {
		cfg.sid = c.Token()
	}
	var res UploadResult
	size := int64(len(data))
	msg := func(off, block int64, chunk []byte, status string) bert.Term {
		return bert.Tuple(bert.Atom("ftp"), bert.BinString(cfg.id), bert.BinString(cfg.sid), bert.BinString(name),
			cfg.meta, bert.Int(size), bert.Int(off), bert.Int(block), bert.Bin(chunk), bert.BinString(status),
			bert.List(cfg.opts...))
	}
	c.Send(msg(0, 1, nil, "init"))
	stalled := 0
	for {
		ack := c.nextAck(&res.IO)
		res.Acks = append(res.Acks, ack)
		res.Last = ack
		if ack.Status == "error" || ack.Block <= 0 {
			res.Done = ack.Status != "error" && ack.Offset == size
			return res
		}
		if cfg.stopAfter > 0 && res.Blocks >= cfg.stopAfter {
			return res
		}
		if ack.Offset < 0 || ack.Offset > size {
			c.tb.Fatalf("upload %q: server acked offset %d of %d", name, ack.Offset, size)
		}
		// A server that acks the same offset again and again is stuck.
		if len(res.Acks) > 1 && ack.Offset == res.Acks[len(res.Acks)-2].Offset {
			if stalled++; stalled > 3 {
				c.tb.Fatalf("upload %q: server stuck at offset %d", name, ack.Offset)
			}
		} else {
			stalled = 0
		}
		end := min(ack.Offset+ack.Block, size)
		c.Send(msg(ack.Offset, ack.Block, data[ack.Offset:end], "send"))
		res.Blocks++
	}
}

// NextAck reads frames until an ftpack and returns it decoded, skipping
// PONGs and io frames (whose postbacks it remembers).
func (c *Client) NextAck() Ack {
	c.tb.Helper()
	return c.nextAck(nil)
}

func (c *Client) nextAck(ios *[]IO) Ack {
	c.tb.Helper()
	for {
		f := c.Read()
		if f.Text && string(f.Data) == "PONG" {
			continue
		}
		if io, ok := c.AsIO(f); ok {
			if ios != nil {
				*ios = append(*ios, io)
			}
			continue
		}
		ack, ok := AsAck(f)
		if !ok {
			c.tb.Fatalf("want an ftpack frame, got %s", f)
		}
		return ack
	}
}

// AsAck decodes f as an ftpack.
func AsAck(f Frame) (Ack, bool) {
	t := f.Term
	if f.Text || f.Err != nil || !t.Is("ftpack", 11) {
		return Ack{}, false
	}
	a := Ack{ID: t.At(1).Text(), Sid: t.At(2).Text(), Filename: t.At(3).Text(), Meta: t.At(4),
		Status: t.At(9).Text(), Options: t.At(10)}
	a.Size, _ = t.At(5).Int()
	a.Offset, _ = t.At(6).Int()
	a.Block, _ = t.At(7).Int()
	if r, ok := a.Options.Get(bert.Atom("reason")); ok {
		a.Reason = r.Text()
	}
	return a, true
}
