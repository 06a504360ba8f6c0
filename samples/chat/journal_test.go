package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// mustRecord returns the record of payload.
func mustRecord(tb testing.TB, payload []byte) []byte {
	tb.Helper()
	if len(payload) == 0 || len(payload) > maxRecord {
		tb.Fatalf("a payload of %d bytes has no record", len(payload))
	}
	b, at := beginRecord(nil)
	b = append(b, payload...)
	endRecord(b, at)
	return b
}

// mustEntryRecord returns the record of m in room, as the store writes it.
func mustEntryRecord(tb testing.TB, room string, m Message) []byte {
	tb.Helper()
	p, err := appendEntry(nil, room, m)
	if err != nil {
		tb.Fatal(err)
	}
	return mustRecord(tb, p)
}

func TestDecodeRecord(t *testing.T) {
	rec := mustRecord(t, []byte("hello"))
	badSum := bytes.Clone(rec)
	badSum[len(badSum)-1] ^= 1
	tooLong := binary.BigEndian.AppendUint32(nil, maxRecord+1)
	tooLong = append(tooLong, rec[4:]...)
	tests := []struct {
		name    string
		in      []byte
		payload string
		n       int
		err     error
	}{
		{"whole", rec, "hello", len(rec), nil},
		{"followed by more", append(bytes.Clone(rec), 0xde, 0xad), "hello", len(rec), nil},
		{"empty", nil, "", 0, errTornRecord},
		{"half a header", rec[:5], "", 0, errTornRecord},
		{"header only", rec[:recordHeader], "", 0, errTornRecord},
		{"half a payload", rec[:len(rec)-2], "", 0, errTornRecord},
		{"zeros", make([]byte, 64), "", 0, errCorruptRecord},
		{"length over the bound", tooLong, "", 0, errCorruptRecord},
		{"checksum off", badSum, "", 0, errCorruptRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, n, err := decodeRecord(tt.in)
			if string(p) != tt.payload || n != tt.n || !errors.Is(err, tt.err) {
				t.Errorf("got %q, %d, %v; want %q, %d, %v", p, n, err, tt.payload, tt.n, tt.err)
			}
		})
	}
}

// TestScanRecordsTornTail ends two whole records with what a crash can
// leave after them: scanning stops where the records end.
func TestScanRecordsTornTail(t *testing.T) {
	whole := append(mustEntryRecord(t, "kitchen", Message{Seq: 1, Text: "one"}), mustEntryRecord(t, "garden", Message{Seq: 2, Text: "two"})...)
	third := mustEntryRecord(t, "kitchen", Message{Seq: 3, Text: "three"})
	flipped := bytes.Clone(third)
	flipped[recordHeader+3] ^= 0x40
	tests := []struct {
		name string
		tail []byte
		err  error
	}{
		{"none", nil, nil},
		{"half a header", third[:3], errTornRecord},
		{"half a record", third[:len(third)/2], errTornRecord},
		{"all but a byte", third[:len(third)-1], errTornRecord},
		{"zeros", make([]byte, 4096), errCorruptRecord},
		{"garbage", []byte("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7"), errCorruptRecord},
		{"a flipped bit", flipped, errCorruptRecord},
		{"a whole record of no entry", mustRecord(t, []byte{0x80}), errCorruptRecord},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := append(bytes.Clone(whole), tt.tail...)
			var texts []string
			n, err := scanRecords(data, func(p []byte) error {
				_, _, m, err := decodeEntry(p)
				texts = append(texts, m.Text)
				return err
			})
			if n != len(whole) || !errors.Is(err, tt.err) {
				t.Errorf("got %d, %v; want %d, %v", n, err, len(whole), tt.err)
			}
			if got := len(texts); got < 2 || texts[0] != "one" || texts[1] != "two" {
				t.Errorf("got messages %q, want one and two first", texts)
			}
		})
	}
}

func TestDecodeRecordAllocatesNothing(t *testing.T) {
	rec := mustRecord(t, bytes.Repeat([]byte("x"), 1000))
	torn := rec[:500]
	allocs := testing.AllocsPerRun(100, func() {
		decodeRecord(rec)
		decodeRecord(torn)
	})
	if allocs != 0 {
		t.Errorf("decodeRecord allocates %v times, want 0", allocs)
	}
}

// FuzzJournalRecord decodes what a journal file may hold after a crash
// or a bad disk: records and entries are refused cleanly, never with a
// panic, and what is accepted encodes back to itself.
func FuzzJournalRecord(f *testing.F) {
	rec := mustEntryRecord(f, "kitchen", Message{Seq: 7, User: "ann", Text: "hello", Time: 1700000000000, File: "a.png"})
	f.Add(rec)
	f.Add(rec[:len(rec)-3])
	f.Add(append(bytes.Clone(rec), rec[:11]...))
	f.Add(mustRecord(f, []byte("not an entry")))
	f.Add(make([]byte, 16))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, n, err := decodeRecord(data)
		if err == nil {
			if n < recordHeader+1 || n > len(data) || !bytes.Equal(p, data[recordHeader:n]) {
				t.Fatalf("decodeRecord gave %d bytes and payload %x of %x", n, p, data)
			}
			if again := mustRecord(t, p); !bytes.Equal(again, data[:n]) {
				t.Fatalf("record %x encodes back as %x", data[:n], again)
			}
			if room, _, m, err := decodeEntry(p); err == nil {
				q, err := appendEntry(nil, string(room), m)
				if err != nil {
					t.Fatal(err)
				}
				room2, _, m2, err := decodeEntry(q)
				if err != nil || !bytes.Equal(room, room2) || m2 != m {
					t.Fatalf("entry %q %+v encodes back as %q %+v (%v)", room, m, room2, m2, err)
				}
			}
		} else if !errors.Is(err, errTornRecord) && !errors.Is(err, errCorruptRecord) {
			t.Fatalf("decodeRecord: unexpected error %v", err)
		}
		end, err := scanRecords(data, func(p []byte) error {
			_, _, _, err := decodeEntry(p)
			return err
		})
		if end > len(data) || (err == nil) != (end == len(data)) {
			t.Fatalf("scanRecords stopped at %d of %d with %v", end, len(data), err)
		}
		// Any payload of the right length is a record that decodes back.
		if len(data) > 0 {
			if q, _, err := decodeRecord(mustRecord(t, data)); err != nil || !bytes.Equal(q, data) {
				t.Fatalf("payload %x decodes back as %x (%v)", data, q, err)
			}
		}
	})
}
