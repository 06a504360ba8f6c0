package nitro

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
)

func TestNewKeyRing(t *testing.T) {
	a, b := mustKey(t, 1), mustKey(t, 2)
	tests := []struct {
		name string
		keys []Key
		want error
	}{
		{"one", []Key{a}, nil},
		{"two", []Key{a, b}, nil},
		{"id zero", []Key{{ID: 0}}, nil},
		{"none", nil, ErrNoKeys},
		{"duplicate id", []Key{a, b, {ID: 1}}, ErrDuplicateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewKeyRing(tt.keys...)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if (r == nil) != (tt.want != nil) {
				t.Fatalf("got ring %v with error %v", r, err)
			}
		})
	}
}

func TestKeyRingSealsWithLastKey(t *testing.T) {
	a, b := mustKey(t, 7), mustKey(t, 3)
	p := mustSeal(t, mustRing(t, a, b), pickleSID, "x")
	raw, err := base64.RawURLEncoding.DecodeString(string(p))
	if err != nil {
		t.Fatal(err)
	}
	if raw[0] != 3 {
		t.Errorf("sealed with key %d, want the last key, 3", raw[0])
	}
}

func TestGenerateKey(t *testing.T) {
	a, b := mustKey(t, 9), mustKey(t, 9)
	if a.ID != 9 || a.Secret == b.Secret || a.Secret == [32]byte{} {
		t.Errorf("GenerateKey(9) gave %d and secrets equal=%v zero=%v", a.ID, a.Secret == b.Secret, a.Secret == [32]byte{})
	}
}

func TestParseKeys(t *testing.T) {
	a, b := mustKey(t, 1), mustKey(t, 255)
	sa, sb := a.String(), b.String()
	secretA := sa[strings.IndexByte(sa, ':')+1:]
	tests := []struct {
		name string
		in   string
		want []Key
		err  error
	}{
		{"one", sa, []Key{a}, nil},
		{"comma", sa + "," + sb, []Key{a, b}, nil},
		{"lines and spaces", "  " + sa + "\n\n\t" + sb + "  \n", []Key{a, b}, nil},
		{"crlf", sa + "\r\n" + sb + "\r\n", []Key{a, b}, nil},
		{"comments", "# keys\n" + sa + " # old\n" + sb, []Key{a, b}, nil},
		{"padded", sa + "=", []Key{a}, nil},
		{"trailing comma", sa + ",", []Key{a}, nil},
		{"empty", "", nil, ErrNoKeys},
		{"only comments", "# nothing\n\n", nil, ErrNoKeys},
		{"no colon", secretA, nil, ErrKeyFormat},
		{"id not a number", "x:" + secretA, nil, ErrKeyFormat},
		{"id too big", "256:" + secretA, nil, ErrKeyFormat},
		{"negative id", "-1:" + secretA, nil, ErrKeyFormat},
		{"standard base64", "1:" + base64.RawStdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32)), nil, ErrKeyFormat},
		{"short secret", "1:" + secretA[:40], nil, ErrKeyFormat},
		{"long secret", "1:" + base64.RawURLEncoding.EncodeToString(make([]byte, 33)), nil, ErrKeyFormat},
		{"second bad", sa + ",2:nope", nil, ErrKeyFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseKeys(tt.in)
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

func TestFormatKeys(t *testing.T) {
	keys := []Key{mustKey(t, 0), mustKey(t, 42), mustKey(t, 255)}
	s := FormatKeys(keys...)
	if strings.Count(s, ",") != 2 || !strings.HasPrefix(s, "0:") {
		t.Errorf("FormatKeys = %q, want three id:secret entries", s)
	}
	got, err := ParseKeys(s)
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		if got[i] != keys[i] {
			t.Errorf("key %d does not round-trip", i)
		}
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "dev", "keys")
	first, err := LoadOrCreateKeyFile(path)
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
	second, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := second.Open(nil, pickleSID, p, pickleNow); err != nil || string(got) != "survives" {
		t.Errorf("after a restart: got %q, %v", got, err)
	}

	// A file written by hand, rotated: the last key seals, both open.
	old, cur := mustKey(t, 1), mustKey(t, 2)
	hand := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(hand, []byte("# rotated\n"+old.String()+"\n"+cur.String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := LoadOrCreateKeyFile(hand)
	if err != nil {
		t.Fatal(err)
	}
	q := r.Seal(nil, pickleSID, []byte("x"), pickleNow.Add(time.Hour))
	if _, err := mustRing(t, cur).Open(nil, pickleSID, q, pickleNow); err != nil {
		t.Errorf("hand-written file: the last key does not seal: %v", err)
	}
}

func TestLoadOrCreateKeyFileBad(t *testing.T) {
	tests := []struct {
		name, text string
		want       error
	}{
		{"empty", "", ErrNoKeys},
		{"garbage", "not a key\n", ErrKeyFormat},
		{"duplicate", "1:" + strings.Repeat("A", 43) + "\n1:" + strings.Repeat("B", 43), ErrDuplicateKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadOrCreateKeyFile(path); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			// A bad file is an error to fix, never replaced by a new key.
			if b, _ := os.ReadFile(path); string(b) != tt.text {
				t.Errorf("the file was rewritten: %q", b)
			}
		})
	}
}
