package nitro

import (
	"bytes"
	"testing"
	"time"
)

// fuzzKey is a fixed key, so that the pickles below stay genuine from run
// to run (they expire in 2100).
var fuzzKey = Key{ID: 1, Secret: [32]byte{
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
}}

// fuzzPickles are genuine pickles sealed with fuzzKey: with those sealed in
// FuzzPickleOpen itself, every pickle that may open there. The seed corpus
// in testdata/fuzz/FuzzPickleOpen holds some of them and near misses.
var fuzzPickles = []struct{ sid, pickle, payload string }{
	{pickleSID, "ARJymXGeDk6_E-y-u75_C1vmqzmSucZ_uHyCFVn2CDlfoxm5V-gBa44UofiW6D4IhwvXY-8LSkB5eyQR", ""},
	{pickleSID, "AR1JRYzHxvoGWptRO4QxSgtctnOJJfGIAYR-gxRmBfwYcQiTHzmH4YYDHe07unFcRMxoVKQYlsXCI4f54SuGL0xjmcWlFho2XGI", "\x83h\x02w\x02evm\x00\x00\x00\x02ok"},
	{"", "AVrW7Di9hXFUZSC4vv7LkgsTVPfVbjobAnxL6gkaUzZz2TSSnhIEsFJaiA", "token"},
}

// FuzzPickleOpen feeds Open arbitrary text: it must never panic, and never
// succeed but on a genuine pickle for its own session.
func FuzzPickleOpen(f *testing.F) {
	// The newest key is new each run: pickles it seals here are genuine for
	// this process only, so a corpus saved by an earlier run holds none.
	r := mustRing(f, fuzzKey, mustKey(f, 2))
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	type sealed struct{ sid, payload string }
	genuine := map[string]sealed{}
	for _, p := range fuzzPickles {
		genuine[p.pickle] = sealed{p.sid, p.payload}
	}
	fresh := []sealed{{pickleSID, ""}, {pickleSID, "\x83h\x03w\x02evw\x04pagew\x05click"}, {"s", "x"}}
	for _, s := range fresh {
		p := r.Seal(nil, s.sid, []byte(s.payload), now.Add(time.Hour))
		genuine[string(p)] = s
	}

	for p, s := range genuine {
		f.Add(s.sid, []byte(p))
		f.Add("other", []byte(p))
		f.Add(s.sid, []byte(p[:len(p)-1]))
		f.Add(s.sid, []byte(p[:len(p)/2]+"\n"+p[len(p)/2:]))
		flipped := []byte(p)
		flipped[len(p)/2] ^= 1
		f.Add(s.sid, flipped)
		head := []byte(p)
		head[1] = 'A' // another key id
		f.Add(s.sid, head)
	}
	f.Add("", []byte(""))
	f.Add("", []byte("AAAA"))
	f.Add(pickleSID, bytes.Repeat([]byte("A"), 80))

	f.Fuzz(func(t *testing.T, sid string, data []byte) {
		dst := []byte("keep")
		got, err := r.Open(dst, sid, data, now)
		if err != nil {
			if string(got) != "keep" {
				t.Fatalf("failed Open changed dst to %q", got)
			}
			return
		}
		s, ok := genuine[string(data)]
		if !ok || s.sid != sid {
			t.Fatalf("Open(%q, %q) succeeded with %q: not a genuine pickle of that session", sid, data, got)
		}
		if string(got) != "keep"+s.payload {
			t.Fatalf("Open(%q) = %q, want %q", data, got, "keep"+s.payload)
		}
	})
}
