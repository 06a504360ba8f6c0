package nitro

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Why a pickle failed to open. Open returns one of them, or a *PickleError
// wrapping one; test with errors.Is.
var (
	// ErrPickleMalformed: not base64url text, or too short to be a pickle.
	ErrPickleMalformed = errors.New("nitro: malformed pickle")
	// ErrPickleKey: sealed with a key id the ring does not hold (a node
	// missing a key, or a key retired too early).
	ErrPickleKey = errors.New("nitro: pickle sealed with an unknown key")
	// ErrPickleForged: the authentication tag does not match: forged,
	// altered, or sealed with another key of the same id.
	ErrPickleForged = errors.New("nitro: forged or altered pickle")
	// ErrPickleExpired: genuine but past its expiry.
	ErrPickleExpired = errors.New("nitro: pickle expired")
	// ErrPickleSession: genuine but sealed for another session.
	ErrPickleSession = errors.New("nitro: pickle sealed for another session")
)

// A PickleError adds what a log needs to one of the ErrPickle* reasons:
// the key id for ErrPickleKey, the expiry for ErrPickleExpired. Other
// reasons come as bare sentinels.
type PickleError struct {
	Reason  error     // ErrPickleKey or ErrPickleExpired
	KeyID   byte      // the key id the pickle names
	Expired time.Time // when it expired (ErrPickleExpired only)
}

func (e *PickleError) Error() string {
	if e.Reason == ErrPickleExpired {
		return fmt.Sprintf("%v (key %d, at %s)", e.Reason, e.KeyID, e.Expired.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("%v (key %d)", e.Reason, e.KeyID)
}

func (e *PickleError) Unwrap() error { return e.Reason }

// The layout of a pickle, before base64url:
//
//	keyID(1) | nonce(12) | ciphertext | tag(16), where the plaintext is
//	expiry(8, unix seconds, big-endian) | len(sid)(1) | sid | payload
//
// and the key id is the additional data, so it is authenticated too.
const (
	pickleNonce    = 12
	pickleTag      = 16
	pickleHead     = 8 + 1 // expiry, sid length
	pickleOverhead = 1 + pickleNonce + pickleTag + pickleHead
)

// Strict: a pickle has exactly one text form, so no two strings open to
// the same payload (the length check in Open rules out ignored newlines).
var pickleEncoding = base64.RawURLEncoding.Strict()

// Seal appends to dst the pickle of payload for session sid: ASCII text
// safe in JavaScript strings, cookies and URLs, that Open accepts until
// expires (to the second; a zero expires makes a pickle that never opens).
// It seals with the ring's newest key and a random nonce, so two pickles of
// the same payload differ. Seal uses the spare capacity of dst as scratch:
// with enough capacity it does not allocate. It panics if sid is longer
// than 255 bytes.
func (r *KeyRing) Seal(dst []byte, sid string, payload []byte, expires time.Time) []byte {
	if len(sid) > 255 {
		panic("nitro: Seal: session id longer than 255 bytes")
	}
	plainLen := pickleHead + len(sid) + len(payload)
	rawLen := pickleOverhead + len(sid) + len(payload)
	textLen := pickleEncoding.EncodedLen(rawLen)

	// dst[n:n+textLen] receives the text; the plaintext is built there
	// first (it is shorter), and the raw pickle goes just beyond, so that
	// no buffer overlaps another and encoding overwrites the plaintext.
	n := len(dst)
	dst = slices.Grow(dst, textLen+rawLen)
	text := dst[n : n+textLen]
	raw := dst[n+textLen : n+textLen+rawLen]

	plain := text[:plainLen]
	binary.BigEndian.PutUint64(plain, uint64(expires.Unix()))
	plain[8] = byte(len(sid))
	copy(plain[pickleHead:], sid)
	copy(plain[pickleHead+len(sid):], payload)

	raw[0] = r.sealID
	r.aeads[r.sealID].Seal(raw[1:1], nil, plain, raw[:1])
	pickleEncoding.Encode(text, raw)
	return dst[:n+textLen]
}

// Open appends to dst the payload of pickle if it is genuine, unexpired at
// now, and sealed for session sid. Otherwise it returns dst unchanged and
// an error that says why (see ErrPickleMalformed and the others). Open uses
// the spare capacity of dst as scratch: with enough capacity it does not
// allocate.
func (r *KeyRing) Open(dst []byte, sid string, pickle []byte, now time.Time) ([]byte, error) {
	out, _, err := r.open(dst, sid, pickle, now)
	return out, err
}

// open is Open, and also returns the Unix second the pickle expires at.
func (r *KeyRing) open(dst []byte, sid string, pickle []byte, now time.Time) ([]byte, int64, error) {
	rawLen := pickleEncoding.DecodedLen(len(pickle))
	if rawLen < pickleOverhead {
		return dst, 0, ErrPickleMalformed
	}
	plainLen := rawLen - pickleOverhead + pickleHead

	// The plaintext lands at dst[n:], the raw pickle beyond it: no overlap.
	n := len(dst)
	buf := slices.Grow(dst, plainLen+rawLen)
	raw := buf[n+plainLen : n+plainLen+rawLen]
	m, err := pickleEncoding.Decode(raw, pickle)
	// The base64 decoder skips '\r' and '\n'; refuse them by the length.
	if err != nil || pickleEncoding.EncodedLen(m) != len(pickle) {
		return dst, 0, ErrPickleMalformed
	}

	id := raw[0]
	aead := r.aeads[id]
	if aead == nil {
		return dst, 0, &PickleError{Reason: ErrPickleKey, KeyID: id}
	}
	plain, err := aead.Open(buf[n:n], nil, raw[1:], raw[:1])
	if err != nil {
		return dst, 0, ErrPickleForged
	}

	expiry := int64(binary.BigEndian.Uint64(plain))
	sidLen := int(plain[8])
	if pickleHead+sidLen > len(plain) {
		return dst, 0, ErrPickleMalformed // genuine yet inconsistent: not ours
	}
	// The sid is secret to other sessions: compare in constant time.
	if len(sid) != sidLen || subtle.ConstantTimeCompare([]byte(sid), plain[pickleHead:pickleHead+sidLen]) != 1 {
		return dst, 0, ErrPickleSession
	}
	if now.Unix() >= expiry {
		return dst, 0, &PickleError{Reason: ErrPickleExpired, KeyID: id, Expired: time.Unix(expiry, 0)}
	}
	payload := plain[pickleHead+sidLen:]
	return buf[:n+copy(buf[n:n+len(payload)], payload)], expiry, nil
}
