// Package keys reads and writes Nitro's pickle keys (nitro.Key) as text,
// "id:secret,id:secret", and keeps development keys in a file. In
// production, give every node the same keys from its environment:
//
//	ks, err := keys.Parse(os.Getenv("NITRO_KEYS"))
//	ring, err := nitro.NewKeyRing(ks...)
//	srv, err := nitro.New(nitro.Config{Keys: ring})
//
// In development, LoadOrCreate keeps a key in a file, so that a restart
// keeps open pages working:
//
//	ring, err := keys.LoadOrCreate(".nitro/keys")
package keys

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/nitrogo/framework/nitro"
)

// ErrFormat reports key text that Parse cannot read. Errors wrapping it
// say where, never what: the text holds secrets.
var ErrFormat = errors.New("keys: malformed pickle key")

// Format returns keys as Parse reads them: "id:secret,id:secret", each
// secret in unpadded base64url. It reveals the secrets: never log it.
func Format(keys ...nitro.Key) string {
	s := make([]string, len(keys))
	for i, k := range keys {
		s[i] = strconv.Itoa(int(k.ID)) + ":" + base64.RawURLEncoding.EncodeToString(k.Secret[:])
	}
	return strings.Join(s, ",")
}

// Parse reads keys written as "id:secret" (id 0..255 in decimal, the
// 32-byte secret in base64url, padded or not) separated by commas or
// newlines; '#' starts a comment that runs to the end of its line. This is
// the form an app reads from its environment or a key file. The last key
// is the newest: a KeyRing seals with it.
func Parse(s string) ([]nitro.Key, error) {
	var keys []nitro.Key
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
				return nil, fmt.Errorf("%w: line %d, key %d: %s", ErrFormat, lineNo+1, len(keys)+1, err)
			}
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, nitro.ErrNoKeys
	}
	return keys, nil
}

func parseKey(s string) (nitro.Key, error) {
	idText, secret, ok := strings.Cut(s, ":")
	if !ok {
		return nitro.Key{}, errors.New(`want "id:secret"`)
	}
	id, err := strconv.ParseUint(strings.TrimSpace(idText), 10, 8)
	if err != nil {
		return nitro.Key{}, errors.New("id is not a number in 0..255")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(secret), "="))
	if err != nil {
		return nitro.Key{}, errors.New("secret is not base64url")
	}
	k := nitro.Key{ID: byte(id)}
	if len(raw) != len(k.Secret) {
		return nitro.Key{}, fmt.Errorf("secret has %d bytes, want %d", len(raw), len(k.Secret))
	}
	copy(k.Secret[:], raw)
	return k, nil
}

// LoadOrCreate returns the ring whose keys are in the file at path (in
// the form Parse reads, one key a line allowed). If there is no
// such file it generates a key, creates the file with mode 0600 (and its
// parent directories), and returns a ring of that key, so that pickles in
// open pages survive a development server's restart.
//
// It is meant for development. In production, give every node the same
// keys from the environment or a secret store, and treat a missing key as
// a start-up error: a key generated per node would refuse the pickles of
// the others.
func LoadOrCreate(path string) (*nitro.KeyRing, error) {
	r, err := load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return r, err
	}
	k, err := nitro.GenerateKey(1)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("keys: key file: %w", err)
	}
	var text bytes.Buffer
	text.WriteString("# Nitro pickle keys for development, made by keys.LoadOrCreate.\n")
	text.WriteString("# Secret: do not commit. The last key seals; every key opens.\n")
	text.WriteString(Format(k) + "\n")
	// O_EXCL: if another process created the file meanwhile, use its key
	// rather than overwrite it and break that process's pickles.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return load(path)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: key file: %w", err)
	}
	_, err = f.Write(text.Bytes())
	if err1 := f.Close(); err == nil {
		err = err1
	}
	if err != nil {
		return nil, fmt.Errorf("keys: key file: %w", err)
	}
	return nitro.NewKeyRing(k)
}

func load(path string) (*nitro.KeyRing, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("keys: key file: %w", err)
	}
	keys, err := Parse(string(text))
	if err != nil {
		return nil, fmt.Errorf("keys: key file %s: %w", path, err)
	}
	r, err := nitro.NewKeyRing(keys...)
	if err != nil {
		return nil, fmt.Errorf("keys: key file %s: %w", path, err)
	}
	return r, nil
}
