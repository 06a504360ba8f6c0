package keys_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/keys"
)

var pickleNow = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

const pickleSID = "AAECAwQFBgcICQoLDA0ODw"

func mustKey(tb testing.TB, id byte) nitro.Key {
	tb.Helper()
	k, err := nitro.GenerateKey(id)
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func mustRing(tb testing.TB, ks ...nitro.Key) *nitro.KeyRing {
	tb.Helper()
	r, err := nitro.NewKeyRing(ks...)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func mustSeal(tb testing.TB, r *nitro.KeyRing, sid, payload string) []byte {
	tb.Helper()
	return r.Seal(nil, sid, []byte(payload), pickleNow.Add(time.Hour))
}

func TestParse(t *testing.T) {
	a, b := mustKey(t, 1), mustKey(t, 255)
	sa, sb := keys.Format(a), keys.Format(b)
	secretA := sa[strings.IndexByte(sa, ':')+1:]
	tests := []struct {
		name string
		in   string
		want []nitro.Key
		err  error
	}{
		{"one", sa, []nitro.Key{a}, nil},
		{"comma", sa + "," + sb, []nitro.Key{a, b}, nil},
		{"lines and spaces", "  " + sa + "\n\n\t" + sb + "  \n", []nitro.Key{a, b}, nil},
		{"crlf", sa + "\r\n" + sb + "\r\n", []nitro.Key{a, b}, nil},
		{"comments", "# keys\n" + sa + " # old\n" + sb, []nitro.Key{a, b}, nil},
		{"padded", sa + "=", []nitro.Key{a}, nil},
		{"trailing comma", sa + ",", []nitro.Key{a}, nil},
		{"empty", "", nil, nitro.ErrNoKeys},
		{"only comments", "# nothing\n\n", nil, nitro.ErrNoKeys},
		{"no colon", secretA, nil, keys.ErrFormat},
		{"id not a number", "x:" + secretA, nil, keys.ErrFormat},
		{"id too big", "256:" + secretA, nil, keys.ErrFormat},
		{"negative id", "-1:" + secretA, nil, keys.ErrFormat},
		{"standard base64", "1:" + base64.RawStdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32)), nil, keys.ErrFormat},
		{"short secret", "1:" + secretA[:40], nil, keys.ErrFormat},
		{"long secret", "1:" + base64.RawURLEncoding.EncodeToString(make([]byte, 33)), nil, keys.ErrFormat},
		{"second bad", sa + ",2:nope", nil, keys.ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := keys.Parse(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("got error %v, want %v", err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), secretA[:8]) {
				t.Errorf("error %q reveals the secret", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d keys, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("key %d: got id %d, want %d (or secrets differ)", i, got[i].ID, tt.want[i].ID)
				}
			}
		})
	}
}

func TestFormat(t *testing.T) {
	ks := []nitro.Key{mustKey(t, 0), mustKey(t, 42), mustKey(t, 255)}
	s := keys.Format(ks...)
	if strings.Count(s, ",") != 2 || !strings.HasPrefix(s, "0:") {
		t.Errorf("Format = %q, want three id:secret entries", s)
	}
	got, err := keys.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ks {
		if got[i] != ks[i] {
			t.Errorf("key %d does not round-trip", i)
		}
	}
}

func TestLoadOrCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "dev", "keys")
	first, err := keys.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	// A restart reads the same key: the old pickles open.
	p := mustSeal(t, first, pickleSID, "survives")
	second, err := keys.LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := second.Open(nil, pickleSID, p, pickleNow); err != nil || string(got) != "survives" {
		t.Errorf("after a restart: got %q, %v", got, err)
	}

	// A file written by hand, rotated: the last key seals, both open.
	old, cur := mustKey(t, 1), mustKey(t, 2)
	hand := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(hand, []byte("# rotated\n"+keys.Format(old)+"\n"+keys.Format(cur)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := keys.LoadOrCreate(hand)
	if err != nil {
		t.Fatal(err)
	}
	q := r.Seal(nil, pickleSID, []byte("x"), pickleNow.Add(time.Hour))
	if _, err := mustRing(t, cur).Open(nil, pickleSID, q, pickleNow); err != nil {
		t.Errorf("hand-written file: the last key does not seal: %v", err)
	}
}

func TestLoadOrCreateBad(t *testing.T) {
	tests := []struct {
		name, text string
		want       error
	}{
		{"empty", "", nitro.ErrNoKeys},
		{"garbage", "not a key\n", keys.ErrFormat},
		{"duplicate", "1:" + strings.Repeat("A", 43) + "\n1:" + strings.Repeat("B", 43), nitro.ErrDuplicateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := keys.LoadOrCreate(path); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			// A bad file is an error to fix, never replaced by a new key.
			if b, _ := os.ReadFile(path); string(b) != tt.text {
				t.Errorf("the file was rewritten: %q", b)
			}
		})
	}
}
