package bert_test

import (
	"strings"
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
)

// postbackFrame is shaped like the n2o_pickle vector: a 300-byte frame
// holding a 200-byte pickle.
func postbackFrame(tb testing.TB) []byte {
	tb.Helper()
	pickle := strings.Repeat("p", 200)
	frame := bert.Encode(bert.Tuple(
		bert.Atom("pickle"),
		bert.BinString("send"),
		bert.BinString(pickle),
		bert.List(
			bert.Tuple(bert.Tuple(bert.BinString("send"), bert.BinString("detail")), bert.Nil()),
			bert.Tuple(bert.Atom("message"), bert.BinString("hello there, how are you")),
			bert.Tuple(bert.Atom("user"), bert.BinString("alice")),
		),
	))
	if len(frame) < 280 || len(frame) > 320 {
		tb.Fatalf("postback frame is %d bytes, want about 300", len(frame))
	}
	return frame
}

func BenchmarkDecodePostback(b *testing.B) {
	frame := postbackFrame(b)
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		t, err := bert.Decode(frame)
		if err != nil || !t.Is("pickle", 4) {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeIO(b *testing.B) {
	js := []byte(strings.Repeat("qi('x').innerHTML='y';", 1024/22+1)[:1024])
	buf := make([]byte, 0, 2048)
	b.SetBytes(int64(len(js)))
	b.ReportAllocs()
	for b.Loop() {
		buf = bert.Append(buf[:0], bert.Tuple(bert.Atom("io"), bert.Bin(js), bert.Bin(nil)))
	}
	if len(buf) != 1041 {
		b.Fatalf("encoded %d bytes", len(buf))
	}
}
