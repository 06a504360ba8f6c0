package nitro

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Errors of key rings and key text.
var (
	// ErrNoKeys reports a key ring with no key. In production a missing
	// key is a start-up error: nitro ships no default key.
	ErrNoKeys = errors.New("nitro: no pickle keys")
	// ErrDuplicateKey reports two keys with the same id in one ring.
	ErrDuplicateKey = errors.New("nitro: duplicate pickle key id")
	// ErrKeyFormat reports key text that ParseKeys cannot read. Errors
	// wrapping it say where, never what: the text holds secrets.
	ErrKeyFormat = errors.New("nitro: malformed pickle key")
)

// A Key is one AES-256 key of a KeyRing. Its ID travels in front of every
// pickle it seals, so that the ring can pick the key that opens it.
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

// String returns the key as "id:secret", the secret in unpadded base64url:
// the form ParseKeys reads. It reveals the secret: never log it.
func (k Key) String() string {
	return strconv.Itoa(int(k.ID)) + ":" + base64.RawURLEncoding.EncodeToString(k.Secret[:])
}

// FormatKeys returns keys as ParseKeys reads them: "id:secret,id:secret".
func FormatKeys(keys ...Key) string {
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = k.String()
	}
	return strings.Join(s, ",")
}

// ParseKeys reads keys written as "id:secret" (id 0..255 in decimal, the
// 32-byte secret in base64url, padded or not) separated by commas or
// newlines; '#' starts a comment that runs to the end of its line. This is
// the form an app reads from its environment or a key file. The last key
// is the newest: a KeyRing seals with it.
func ParseKeys(s string) ([]Key, error) {
	var keys []Key
	for lineNo, line := range strings.Split(s, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		for _, f := range strings.Split(line, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			k, err := parseKey(f)
			if err != nil {
				// Position only: the text is secret.
				return nil, fmt.Errorf("%w: line %d, key %d: %s", ErrKeyFormat, lineNo+1, len(keys)+1, err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, ErrNoKeys
	}
	return keys, nil
}

func parseKey(s string) (Key, error) {
	idText, secret, ok := strings.Cut(s, ":")
	if !ok {
		return Key{}, errors.New(`want "id:secret"`)
	}
	id, err := strconv.ParseUint(strings.TrimSpace(idText), 10, 8)
	if err != nil {
		return Key{}, errors.New("id is not a number in 0..255")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(secret), "="))
	if err != nil {
		return Key{}, errors.New("secret is not base64url")
	}
	k := Key{ID: byte(id)}
	if len(raw) != len(k.Secret) {
		return Key{}, fmt.Errorf("secret has %d bytes, want %d", len(raw), len(k.Secret))
	}
	copy(k.Secret[:], raw)
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

// LoadOrCreateKeyFile returns the ring whose keys are in the file at path
// (in the form ParseKeys reads, one key a line allowed). If there is no
// such file it generates a key, creates the file with mode 0600 (and its
// parent directories), and returns a ring of that key, so that pickles in
// open pages survive a development server's restart.
//
// It is meant for development. In production, give every node the same
// keys from the environment or a secret store, and treat a missing key as
// a start-up error: a key generated per node would refuse the pickles of
// the others.
func LoadOrCreateKeyFile(path string) (*KeyRing, error) {
	r, err := loadKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return r, err
	}
	k, err := GenerateKey(1)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("nitro: key file: %w", err)
	}
	var text bytes.Buffer
	text.WriteString("# Nitro pickle keys for development, made by LoadOrCreateKeyFile.\n")
	text.WriteString("# Secret: do not commit. The last key seals; every key opens.\n")
	text.WriteString(k.String() + "\n")
	// O_EXCL: if another process created the file meanwhile, use its key
	// rather than overwrite it and break that process's pickles.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("nitro: key file: %w", err)
	}
	_, err = f.Write(text.Bytes())
	if err1 := f.Close(); err == nil {
		err = err1
	}
	if err != nil {
		return nil, fmt.Errorf("nitro: key file: %w", err)
	}
	return NewKeyRing(k)
}

func loadKeyFile(path string) (*KeyRing, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("nitro: key file: %w", err)
	}
	keys, err := ParseKeys(string(text))
	if err != nil {
		return nil, fmt.Errorf("nitro: key file %s: %w", path, err)
	}
	r, err := NewKeyRing(keys...)
	if err != nil {
		return nil, fmt.Errorf("nitro: key file %s: %w", path, err)
	}
	return r, nil
}
