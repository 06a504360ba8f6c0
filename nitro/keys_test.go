package nitro

import (
	"encoding/base64"
	"errors"
	"testing"
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
