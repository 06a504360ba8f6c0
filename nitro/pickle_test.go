package nitro

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// pickleNow is the clock of these tests: pickles expire an hour later.
var pickleNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

const pickleSID = "AAECAwQFBgcICQoLDA0ODw" // 22 bytes, as NewSID's

func mustKey(tb testing.TB, id byte) Key {
	tb.Helper()
	k, err := GenerateKey(id)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func mustRing(tb testing.TB, keys ...Key) *KeyRing {
	tb.Helper()
	r, err := NewKeyRing(keys...)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func mustSeal(tb testing.TB, r *KeyRing, sid, payload string) []byte {
	tb.Helper()
	return r.Seal(nil, sid, []byte(payload), pickleNow.Add(time.Hour))
}

func TestPickleRoundTrip(t *testing.T) {
	r := mustRing(t, mustKey(t, 1))
	tests := []struct {
		name, sid, payload string
	}{
		{"empty", pickleSID, ""},
		{"event", pickleSID, "\x83h\x05w\x02evw\x04pagew\x02okm\x00\x00\x00\x03btnw\x05click"},
		{"no session", "", "token"},
		{"long sid", strings.Repeat("s", 255), "x"},
		{"large", pickleSID, strings.Repeat("payload ", 1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustSeal(t, r, tt.sid, tt.payload)
			for _, c := range p {
				if !isURLSafe(c) {
					t.Fatalf("pickle %q has byte %q outside base64url", p, c)
				}
			}
			got, err := r.Open(nil, tt.sid, p, pickleNow)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if string(got) != tt.payload {
				t.Errorf("got %q, want %q", got, tt.payload)
			}
		})
	}
}

func isURLSafe(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

func TestPickleAppends(t *testing.T) {
	r := mustRing(t, mustKey(t, 1))
	p := r.Seal([]byte("prefix:"), pickleSID, []byte("hi"), pickleNow.Add(time.Hour))
	rest, ok := bytes.CutPrefix(p, []byte("prefix:"))
	if !ok {
		t.Fatalf("Seal lost dst: %q", p)
	}
	got, err := r.Open([]byte("head:"), pickleSID, rest, pickleNow)
	if err != nil || string(got) != "head:hi" {
		t.Fatalf("Open = %q, %v; want %q", got, err, "head:hi")
	}
	// A failed Open gives dst back as it was.
	got, err = r.Open([]byte("head:"), "other", rest, pickleNow)
	if err == nil || string(got) != "head:" {
		t.Fatalf("failed Open = %q, %v; want %q and an error", got, err, "head:")
	}
}

func TestPickleNoncesDiffer(t *testing.T) {
	r := mustRing(t, mustKey(t, 1))
	a, b := mustSeal(t, r, pickleSID, "same"), mustSeal(t, r, pickleSID, "same")
	if bytes.Equal(a, b) {
		t.Fatalf("two pickles of one payload are equal: %q", a)
	}
}

func TestPickleRotation(t *testing.T) {
	old, cur := mustKey(t, 1), mustKey(t, 2)
	before := mustRing(t, old)
	during := mustRing(t, old, cur)
	after := mustRing(t, cur)

	p := mustSeal(t, before, pickleSID, "old")
	if got, err := during.Open(nil, pickleSID, p, pickleNow); err != nil || string(got) != "old" {
		t.Errorf("old pickle on the rotated ring: got %q, %v", got, err)
	}
	q := mustSeal(t, during, pickleSID, "new")
	if _, err := after.Open(nil, pickleSID, q, pickleNow); err != nil {
		t.Errorf("the rotated ring seals with the newest key, yet a ring of it alone refuses: %v", err)
	}
	_, err := after.Open(nil, pickleSID, p, pickleNow)
	var pe *PickleError
	if !errors.Is(err, ErrPickleKey) || !errors.As(err, &pe) || pe.KeyID != 1 {
		t.Errorf("old pickle after the old key is retired: got %v, want ErrPickleKey for key 1", err)
	}
}

func TestPickleRefused(t *testing.T) {
	k := mustKey(t, 1)
	r := mustRing(t, k)
	p := string(mustSeal(t, r, pickleSID, "payload"))
	sameID := mustRing(t, mustKey(t, 1)) // same id, another secret
	// The same bytes in another text form: an unused low bit of the last
	// character set (a 7-byte payload leaves 4 of them). Only the
	// canonical form opens.
	if len(p)%4 == 0 {
		t.Fatalf("pickle of %d characters has no unused bits", len(p))
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	loose := []byte(p)
	loose[len(p)-1] = alphabet[strings.IndexByte(alphabet, p[len(p)-1])|1]
	tests := []struct {
		name   string
		ring   *KeyRing
		sid    string
		pickle string
		now    time.Time
		want   error
	}{
		{"other session", r, "BBECAwQFBgcICQoLDA0ODw", p, pickleNow, ErrPickleSession},
		{"no session", r, "", p, pickleNow, ErrPickleSession},
		{"sid prefix", r, pickleSID[:21], p, pickleNow, ErrPickleSession},
		{"expired", r, pickleSID, p, pickleNow.Add(time.Hour), ErrPickleExpired},
		{"long expired", r, pickleSID, p, pickleNow.Add(1000 * time.Hour), ErrPickleExpired},
		{"other key of the same id", sameID, pickleSID, p, pickleNow, ErrPickleForged},
		{"empty", r, pickleSID, "", pickleNow, ErrPickleMalformed},
		{"too short", r, pickleSID, p[:50], pickleNow, ErrPickleMalformed},
		{"standard alphabet", r, pickleSID, strings.NewReplacer("-", "+", "_", "/").Replace(p) + "+/", pickleNow, ErrPickleMalformed},
		{"padding", r, pickleSID, p + "==", pickleNow, ErrPickleMalformed},
		{"newline", r, pickleSID, p[:20] + "\n" + p[20:], pickleNow, ErrPickleMalformed},
		{"crlf", r, pickleSID, p[:20] + "\r\n" + p[20:], pickleNow, ErrPickleMalformed},
		{"space", r, pickleSID, " " + p, pickleNow, ErrPickleMalformed},
		{"quote", r, pickleSID, p + "'", pickleNow, ErrPickleMalformed},
		{"non-canonical last character", r, pickleSID, string(loose), pickleNow, ErrPickleMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ring.Open(nil, tt.sid, []byte(tt.pickle), tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %q, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestPickleExpiry(t *testing.T) {
	r := mustRing(t, mustKey(t, 1))
	exp := pickleNow.Add(time.Minute)
	p := r.Seal(nil, pickleSID, nil, exp)
	if _, err := r.Open(nil, pickleSID, p, exp.Add(-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	_, err := r.Open(nil, pickleSID, p, exp)
	var pe *PickleError
	if !errors.As(err, &pe) || pe.Reason != ErrPickleExpired || !pe.Expired.Equal(exp) {
		t.Errorf("at expiry: got %v, want ErrPickleExpired at %v", err, exp)
	}
	z := r.Seal(nil, pickleSID, nil, time.Time{})
	if _, err := r.Open(nil, pickleSID, z, pickleNow); !errors.Is(err, ErrPickleExpired) {
		t.Errorf("zero expiry: got %v, want ErrPickleExpired", err)
	}
}

// TestPickleForged alters every byte of a real pickle to every other
// base64url character: none may open.
func TestPickleForged(t *testing.T) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	r := mustRing(t, mustKey(t, 1), mustKey(t, 2))
	p := mustSeal(t, r, pickleSID, "a postback")
	q := make([]byte, len(p))
	for i := range p {
		for _, c := range []byte(alphabet + "+/=.\x00\xff") {
			if c == p[i] {
				continue
			}
			copy(q, p)
			q[i] = c
			if got, err := r.Open(nil, pickleSID, q, pickleNow); err == nil {
				t.Fatalf("byte %d set to %q: opened to %q", i, c, got)
			}
		}
	}
}

func TestPickleTruncated(t *testing.T) {
	r := mustRing(t, mustKey(t, 1))
	p := mustSeal(t, r, pickleSID, "a postback")
	for n := range len(p) {
		if got, err := r.Open(nil, pickleSID, p[:n], pickleNow); err == nil {
			t.Fatalf("prefix of %d bytes opened to %q", n, got)
		}
		if got, err := r.Open(nil, pickleSID, p[n+1:], pickleNow); err == nil {
			t.Fatalf("suffix from byte %d opened to %q", n+1, got)
		}
	}
}

func TestPickleSealPanicsOnLongSID(t *testing.T) {
	r := mustRing(t, mustKey(t, 1))
	defer func() {
		if recover() == nil {
			t.Error("Seal with a 256-byte sid did not panic")
		}
	}()
	r.Seal(nil, strings.Repeat("s", 256), nil, pickleNow)
}

func TestPickleAllocs(t *testing.T) {
	r := mustRing(t, mustKey(t, 1))
	payload := bytes.Repeat([]byte("p"), 60)
	buf := make([]byte, 0, 512)
	out := make([]byte, 0, 512)
	allocs := testing.AllocsPerRun(100, func() {
		p := r.Seal(buf[:0], pickleSID, payload, pickleNow.Add(time.Hour))
		if _, err := r.Open(out[:0], pickleSID, p, pickleNow); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("Seal and Open into buffers of room: %v allocations, want 0", allocs)
	}
}

func BenchmarkPickleSealOpen(b *testing.B) {
	r := mustRing(b, mustKey(b, 1))
	payload := bytes.Repeat([]byte("p"), 60)
	buf := make([]byte, 0, 512)
	out := make([]byte, 0, 512)
	exp := pickleNow.Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		p := r.Seal(buf[:0], pickleSID, payload, exp)
		if _, err := r.Open(out[:0], pickleSID, p, pickleNow); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPickleOpen(b *testing.B) {
	r := mustRing(b, mustKey(b, 1))
	p := r.Seal(nil, pickleSID, bytes.Repeat([]byte("p"), 60), pickleNow.Add(time.Hour))
	out := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Open(out[:0], pickleSID, p, pickleNow); err != nil {
			b.Fatal(err)
		}
	}
}
