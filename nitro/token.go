package nitro

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
)

// DefaultTokenTTL is how long a session token lives when Tokens.TTL is
// zero. A token outlives page views and reconnects (unlike a session's
// values, see DefaultSessionTTL); Authenticate renews it while it is used.
const DefaultTokenTTL = 24 * time.Hour

// ErrTokenMalformed reports a genuine pickle that does not hold a session
// token: sealed by us, but not by Tokens.
var ErrTokenMalformed = errors.New("nitro: malformed session token")

// maxTokenLen bounds the text Verify will decode. A token from Issue is
// under 100 bytes for a sid from NewSID, and at most about 400 for a
// 255-byte sid; the bound keeps a hostile cookie from costing more.
const maxTokenLen = 1024

// Tokens issues and checks session tokens: pickles sealing the Erlang term
// {Sid::binary, Expiry::integer} (unix seconds), as N2O's n2o_session.
// A token is bound to no session: it carries one. Keys is required; the
// other fields' zero values work. A Tokens is safe for concurrent use.
type Tokens struct {
	// Keys seals and opens the tokens.
	Keys *KeyRing
	// TTL is how long a token is valid after it is issued or renewed.
	// Zero means DefaultTokenTTL (24 h).
	TTL time.Duration
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
}

func (t *Tokens) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Tokens) ttl() time.Duration {
	if t.TTL > 0 {
		return t.TTL
	}
	return DefaultTokenTTL
}

// NewSID returns a new random session id: 16 bytes from crypto/rand in
// unpadded base64url (22 characters).
func NewSID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails since Go 1.24
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Issue returns a new token for session sid, valid for the TTL from now.
// sid must be non-empty (Verify refuses a token of an empty sid) and at
// most 255 bytes (Seal panics otherwise).
func (t *Tokens) Issue(sid string) string {
	exp := t.now().Add(t.ttl()).Unix()
	payload := bert.Encode(bert.Tuple(bert.BinString(sid), bert.Int(exp)))
	return string(t.Keys.Seal(nil, "", payload, time.Unix(exp, 0)))
}

// Verify returns the session id a token carries and when the token
// expires. An invalid token gives an error saying why: one of the
// ErrPickle* reasons, or ErrTokenMalformed.
func (t *Tokens) Verify(token string) (sid string, expires time.Time, err error) {
	if len(token) > maxTokenLen {
		return "", time.Time{}, ErrPickleMalformed
	}
	payload, err := t.Keys.Open(nil, "", []byte(token), t.now())
	if err != nil {
		return "", time.Time{}, err
	}
	term, err := bert.Decode(payload)
	if err != nil || term.Kind() != bert.KindTuple || term.Len() != 2 || term.At(0).Kind() != bert.KindBinary {
		return "", time.Time{}, ErrTokenMalformed
	}
	exp, ok := term.At(1).Int()
	sid = term.At(0).Text()
	if !ok || sid == "" {
		return "", time.Time{}, ErrTokenMalformed
	}
	return sid, time.Unix(exp, 0), nil
}

// Authenticate is N2O's n2o_session:authenticate, run on every init. A
// valid token gives its session and the same token back, renewed with a
// new expiry once past half its TTL so that a session in use lives on.
// An empty, invalid or expired token gives a new session (NewSID) and a
// new token, with fresh true. tokenInForce is what the reply to init
// carries. Verify says why a token is refused, for a log.
func (t *Tokens) Authenticate(token string) (sid, tokenInForce string, fresh bool) {
	if token != "" {
		sid, expires, err := t.Verify(token)
		if err == nil {
			if expires.Sub(t.now()) < t.ttl()/2 {
				token = t.Issue(sid)
			}
			return sid, token, false
		}
	}
	sid = NewSID()
	return sid, t.Issue(sid), true
}
