package nitro

import (
	"fmt"
	"runtime/debug"

	"github.com/nitrogo/framework/nitro/bert"
)

// Protocol is one link of a connection's protocol chain (N2O's n2o_proto).
// Every message goes down the chain until a protocol takes it: Serve
// answers with handled true, or says "not mine" with handled false. A
// message no protocol takes is answered with a NOP (an empty binary
// frame).
//
// What a message is: a text frame arrives as Text, a binary frame as its
// decoded bert.Term, a delivery from the server side as a Push.
type Protocol interface {
	Serve(cx *Context, msg any) (reply Reply, handled bool)
}

// ProtocolFunc adapts a function to Protocol.
type ProtocolFunc func(cx *Context, msg any) (Reply, bool)

// Serve calls f.
func (f ProtocolFunc) Serve(cx *Context, msg any) (Reply, bool) { return f(cx, msg) }

var _ Protocol = ProtocolFunc(nil)

// Text is a text frame from the browser.
type Text string

// Reply is what a protocol answers. Its zero value sends nothing.
type Reply struct {
	kind  replyKind
	text  string
	term  bert.Term
	frame []byte
}

type replyKind uint8

const (
	replyNone replyKind = iota
	replyText
	replyTerm
	replyBinary
)

// TextReply answers with a text frame.
func TextReply(s string) Reply { return Reply{kind: replyText, text: s} }

// TermReply answers with a term, encoded by the connection's Formatter.
func TermReply(t bert.Term) Reply { return Reply{kind: replyTerm, term: t} }

// BinaryReply answers with a binary frame of exactly b.
func BinaryReply(b []byte) Reply { return Reply{kind: replyBinary, frame: b} }

// NOP is the reply to a message that no protocol takes: an empty binary
// frame, which the browser ignores.
var NOP = Reply{kind: replyBinary}

// Term returns the term a TermReply carries.
func (r Reply) Term() (bert.Term, bool) { return r.term, r.kind == replyTerm }

// Chain is an ordered list of protocols.
type Chain []Protocol

// Serve passes msg down the chain and returns the first answer, or NOP. A
// panic in a protocol or a page is recovered here: it is logged with its
// stack, and the browser gets a reply that says only that something failed.
func (c Chain) Serve(cx *Context, msg any) (reply Reply, handled bool) {
	reply, i := c.serve(cx, msg)
	return reply, i < len(c)
}

// serve is Serve, saying which protocol answered (or panicked): its
// index, len(c) when none did.
func (c Chain) serve(cx *Context, msg any) (reply Reply, i int) {
	defer func() {
		if v := recover(); v != nil {
			cx.srv.log.Error("nitro: handler panicked", "panic", fmt.Sprint(v), "sid", cx.sid, "path", cx.path,
				"msg", fmt.Sprintf("%T", msg), "stack", string(debug.Stack()))
			cx.srv.stats.panics.Add(1)
			cx.js = cx.js[:0]
			reply = TermReply(errorIO(failedJS, "server error"))
		}
	}()
	for i = 0; i < len(c); i++ {
		if r, ok := c[i].Serve(cx, msg); ok {
			return r, i
		}
	}
	return NOP, len(c)
}

// failedJS is what the browser runs when the server failed on a message:
// a hook the page may define, else the console. It says nothing of why.
const failedJS = "if(typeof nitroError==='function')nitroError('server error');else console.error('nitro: server error');"

// errorIO is {io, JS, {error, Reason}}: the reply that says a message was
// refused or failed.
func errorIO(js, reason string) bert.Term {
	return bert.Tuple(atomIO, bert.BinString(js), bert.Tuple(bert.Atom("error"), bert.BinString(reason)))
}

var (
	atomIO     = bert.Atom("io")
	atomDirect = bert.Atom("direct")
	atomToken  = bert.Atom("Token")
)
