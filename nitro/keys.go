package nitro

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Errors of key rings.
var (
	// ErrNoKeys reports a key ring with no key. In production a missing
	// key is a start-up error: nitro ships no default key.
	ErrNoKeys = errors.New("nitro: no pickle keys")
	// ErrDuplicateKey reports two keys with the same id in one ring.
	ErrDuplicateKey = errors.New("nitro: duplicate pickle key id")
)

// A Key is one AES-256 key of a KeyRing. Its ID travels in front of every
// pickle it seals, so that the ring can pick the key that opens it.
// Package nitro/keys reads and writes keys as text and in files.
type Key struct {
	ID     byte
	Secret [32]byte
}

// GenerateKey returns a new key with the given id and a secret from
// crypto/rand.
func GenerateKey(id byte) (Key, error) {
	k := Key{ID: id}
	// Since Go 1.24 crypto/rand.Read never fails (it crashes the program
	// instead); the error stays in our signature for other sources.
	if _, err := rand.Read(k.Secret[:]); err != nil {
		return Key{}, err
	}
	return k, nil
}

// A KeyRing seals pickles with its newest key and opens them with any of
// its keys, so keys can rotate: add a new key last, and drop the old one
// once the pickles it sealed have expired. Nodes sharing a ring accept each
// other's pickles. Make one with NewKeyRing (the zero KeyRing has no key);
// it is safe for concurrent use.
//
// Nonces are random (96 bits), so a key should seal no more than about 2^32
// pickles: rotate keys (monthly, say, on a busy site) well before that.
type KeyRing struct {
	aeads  [256]cipher.AEAD // by key id; nil for ids the ring lacks
	sealID byte
}

// NewKeyRing returns a ring holding keys. The last key is the newest and
// seals; every key opens.
func NewKeyRing(keys ...Key) (*KeyRing, error) {
	if len(keys) == 0 {
		return nil, ErrNoKeys
	}
	r := new(KeyRing)
	for _, k := range keys {
		if r.aeads[k.ID] != nil {
			return nil, fmt.Errorf("%w: %d", ErrDuplicateKey, k.ID)
		}
		block, err := aes.NewCipher(k.Secret[:])
		if err != nil {
			return nil, err // cannot happen: the key has 32 bytes
		}
		// The random-nonce GCM writes nonce|ciphertext|tag, the very layout
		// of a pickle after its key id, and is FIPS 140-3 approved.
		aead, err := cipher.NewGCMWithRandomNonce(block)
		if err != nil {
			return nil, err
		}
		r.aeads[k.ID] = aead
	}
	r.sealID = keys[len(keys)-1].ID
	return r, nil
}
