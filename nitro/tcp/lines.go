package tcp

import (
	"encoding/binary"

	"github.com/nitrogo/framework/nitro/bert"
)

// What a Lines connection writes. The loop answers in terms, {io, JS,
// Data}, which a person at netcat has no use for in BERT: a Lines
// connection writes what a page queued (Context.Wire) as the text of the
// line, and an error reply {io, _, {error, Reason}} as "error: Reason".
// Any other message goes out as it is (a text reply, or a term of
// another formatter); an empty one, the loop's NOP, not at all.

// lineOf returns what a message of the loop's becomes on a Lines
// connection; nil for nothing.
func lineOf(text bool, msg []byte) []byte {
	if text || len(msg) == 0 || msg[0] != 131 {
		return msg
	}
	js, data, ok := splitIO(msg)
	if !ok {
		return msg
	}
	if len(data) > 5 && data[0] == 104 { // a tuple: perhaps {error, Reason}
		if t, err := bert.Decode(append([]byte{131}, data...)); err == nil && t.Is("error", 2) {
			return append([]byte("error: "), t.At(1).Bytes()...)
		}
	}
	return js
}

// splitIO reads a BERT {io, JS, Data} as bert.Append writes it, without
// decoding: JS's bytes, and Data's encoding. ok is false for any other
// term.
func splitIO(b []byte) (js, data []byte, ok bool) {
	const head = "\x83\x68\x03\x77\x02io\x6d" // 131, SMALL_TUPLE 3, SMALL_ATOM_UTF8 "io", BINARY
	if len(b) < len(head)+4 || string(b[:len(head)]) != head {
		return nil, nil, false
	}
	b = b[len(head):]
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}
