package bert_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/nitrogo/framework/nitro/bert"
)

// emptyLists is the frame of a list of n empty lists: one byte of input
// a term, the most memory a frame can ask for.
func emptyLists(n int) []byte {
	b := binary.BigEndian.AppendUint32([]byte{131, 108}, uint32(n))
	b = append(b, bytes.Repeat([]byte{106}, n)...)
	return append(b, 106)
}

// compressed wraps a frame's term as Erlang's compressed form (tag 80).
func compressed(frame []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(frame[1:])
	w.Close()
	b := binary.BigEndian.AppendUint32([]byte{131, 80}, uint32(len(frame)-1))
	return append(b, z.Bytes()...)
}

func TestDecoderMaxMemory(t *testing.T) {
	const budget = 1 << 20
	fits := budget/bert.TermSize - 1
	tests := []struct {
		name   string
		frame  []byte
		budget int
		ok     bool
	}{
		{"under the budget", emptyLists(fits), budget, true},
		{"over the budget", emptyLists(1 << 20), budget, false},
		{"a large binary is one term", bert.Encode(bert.Bin(make([]byte, 900<<10))), budget, true},
		{"compressed, counted", compressed(emptyLists(60000)), budget, false},
		{"compressed, small", compressed(emptyLists(100)), budget, true},
		{"compressed, the inflated copy counts", compressed(bert.Encode(bert.Bin(make([]byte, 600<<10)))), 512 << 10, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bert.Decoder{MaxMemory: tt.budget}.Decode(tt.frame)
			if (err == nil) != tt.ok {
				t.Fatalf("Decode = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, bert.ErrMemory) {
				t.Errorf("Decode = %v, want ErrMemory", err)
			}
			if _, err := (bert.Decoder{}).Decode(tt.frame); err != nil {
				t.Errorf("without a budget: %v", err)
			}
		})
	}
}

// BenchmarkRefuseOverBudget: what a hostile 1 MiB frame of empty lists
// costs the server when the budget refuses it.
func BenchmarkRefuseOverBudget(b *testing.B) {
	frame := emptyLists(1<<20 - 16)
	dc := bert.Decoder{MaxMemory: 512 << 10}
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		if _, err := dc.Decode(frame); !errors.Is(err, bert.ErrMemory) {
			b.Fatal(err)
		}
	}
}
