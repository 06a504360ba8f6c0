package format

import (
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// Named returns the formatter called name: bert, json, text, wamp or xml.
func Named(name string) (nitro.Formatter, bool) {
	f, ok := formatters[name]
	return f, ok
}

var formatters = map[string]nitro.Formatter{
	"bert": nitro.BERT,
	"json": JSON,
	"text": TEXT,
	"wamp": WAMP,
	"xml":  XML,
}

// Switch is the protocol by which a client changes its connection's
// formatter: it answers {format, Name} (Name an atom or a binary: bert,
// json, text, wamp or xml) with {format, Name} in the formatter in use,
// then switches, so the client's next message and the server's next
// reply are in the new one. An unknown name is answered with
// {io, <<>>, {error, <<"unknown format">>}} in the formatter in use. An
// app that lets clients switch adds it to its chain; the server switches
// on its own with Context.SetFormatter.
var Switch nitro.Protocol = nitro.ProtocolFunc(func(cx *nitro.Context, msg any) (nitro.Reply, bool) {
	t, ok := msg.(bert.Term)
	if !ok || !t.Is("format", 2) {
		return nitro.Reply{}, false
	}
	name := t.At(1)
	if k := name.Kind(); k != bert.KindAtom && k != bert.KindBinary {
		return unknownFormat, true
	}
	f, ok := Named(name.Text())
	if !ok {
		return unknownFormat, true
	}
	ack, err := cx.Formatter().Format(nil, bert.Tuple(t.At(0), bert.Atom(name.Text())))
	if err != nil { // the formatter in use cannot say it: stay in it
		return unknownFormat, true
	}
	cx.SetFormatter(f)
	return nitro.BinaryReply(ack), true
})

var unknownFormat = nitro.TermReply(bert.Tuple(bert.Atom("io"), bert.Bin(nil),
	bert.Tuple(bert.Atom("error"), bert.BinString("unknown format"))))
