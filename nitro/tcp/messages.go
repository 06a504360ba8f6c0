package tcp

import (
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// Messages is the protocol that gives a page what a TCP peer sends and
// the Nitro protocol does not take: a line as a nitro.Text, a frame as
// its bert.Term. The page answers by queuing on its Context (Wire): the
// reply is {io, JS, <<>>}, which a Lines connection writes as the line
// JS (nothing when JS is empty). Put it after the defaults:
//
//	nitro.Config{Protocols: append(nitro.DefaultProtocols(), tcp.Messages)}
//
// Browsers sharing the server send nothing it takes but their own text
// frames, which the page sees as Text too.
var Messages nitro.Protocol = messages{}

type messages struct{}

// Name is its name in Stats: "messages".
func (messages) Name() string { return "messages" }

func (messages) Serve(cx *nitro.Context, msg any) (nitro.Reply, bool) {
	switch msg.(type) {
	case nitro.Text, bert.Term:
		cx.Event(msg)
		return cx.IO(bert.Bin(nil)), true
	}
	return nitro.Reply{}, false
}
