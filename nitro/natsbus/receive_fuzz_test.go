package natsbus

import (
	"log/slog"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// FuzzReceive: whatever arrives on a subject, the bus either delivers one
// term to the topic's subscribers or drops and counts it; it never panics.
func FuzzReceive(f *testing.F) {
	f.Add(bert.Encode(bert.Tuple(bert.Atom("nitro_js"), bert.BinString("go();"))))
	f.Add([]byte("hello"))
	f.Add([]byte{131})
	f.Add([]byte{131, 80, 0, 0, 0, 9, 0x78, 0x9c})
	f.Fuzz(func(t *testing.T, data []byte) {
		b := &Bus{log: slog.New(slog.DiscardHandler), maxMsg: 4096, now: time.Now}
		var got int
		s := nitro.SubscriberFunc(func(string, bert.Term) error { got++; return nil })
		if err := b.local.Subscribe("room", &s); err != nil {
			t.Fatal(err)
		}
		b.receive("room", data)
		st := b.Stats()
		if st.Received+st.Invalid != 1 || uint64(got) != st.Received {
			t.Fatalf("%d delivered, stats %+v: want one message delivered or dropped", got, st)
		}
	})
}
