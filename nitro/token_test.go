package nitro

import (
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
)

// mustTokens returns Tokens on a fresh ring whose clock reads *now.
func mustTokens(tb testing.TB, now *time.Time, ttl time.Duration) *Tokens {
	tb.Helper()
	return &Tokens{Keys: mustRing(tb, mustKey(tb, 1)), TTL: ttl, Now: func() time.Time { return *now }}
}

func TestTokenIssueVerify(t *testing.T) {
	now := pickleNow
	for _, ttl := range []time.Duration{0, time.Hour} {
		tk := mustTokens(t, &now, ttl)
		token := tk.Issue(pickleSID)
		sid, exp, err := tk.Verify(token)
		if err != nil {
			t.Fatalf("TTL %v: %v", ttl, err)
		}
		want := ttl
		if want == 0 {
			want = DefaultTokenTTL
		}
		if sid != pickleSID || !exp.Equal(now.Add(want)) {
			t.Errorf("TTL %v: got %q until %v, want %q until %v", ttl, sid, exp, pickleSID, now.Add(want))
		}
	}
}

// TestTokenPayload pins the sealed term to what Erlang writes for
// {<<"sid">>, Expiry}: term_to_binary({<<"sid">>, 1893553445}).
func TestTokenPayload(t *testing.T) {
	now := pickleNow
	tk := mustTokens(t, &now, time.Hour)
	payload, err := tk.Keys.Open(nil, "", []byte(tk.Issue("sid")), now)
	if err != nil {
		t.Fatal(err)
	}
	exp := uint32(now.Add(time.Hour).Unix())
	want := []byte{131, 104, 2, 109, 0, 0, 0, 3, 's', 'i', 'd', 98, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(want[12:], exp)
	if string(payload) != string(want) {
		t.Errorf("got %v, want %v", payload, want)
	}
}

func TestTokenVerifyRefuses(t *testing.T) {
	now := pickleNow
	tk := mustTokens(t, &now, time.Hour)
	good := tk.Issue(pickleSID)
	seal := func(sid string, term []byte) string {
		return string(tk.Keys.Seal(nil, sid, term, now.Add(time.Hour)))
	}
	exp := bert.Int(now.Add(time.Hour).Unix())
	otherRing := &Tokens{Keys: mustRing(t, mustKey(t, 1)), Now: tk.Now}
	tests := []struct {
		name, token string
		want        error
	}{
		{"empty", "", ErrPickleMalformed},
		{"too long", good + strings.Repeat("A", maxTokenLen), ErrPickleMalformed},
		{"truncated", good[:len(good)-1], ErrPickleMalformed},
		{"another ring's", otherRing.Issue(pickleSID), ErrPickleForged},
		{"a postback pickle", seal(pickleSID, bert.Encode(bert.Tuple(bert.BinString(pickleSID), exp))), ErrPickleSession},
		{"not BERT", seal("", []byte("sid")), ErrTokenMalformed},
		{"not a pair", seal("", bert.Encode(bert.Tuple(bert.BinString(pickleSID)))), ErrTokenMalformed},
		{"atom sid", seal("", bert.Encode(bert.Tuple(bert.Atom("sid"), exp))), ErrTokenMalformed},
		{"empty sid", seal("", bert.Encode(bert.Tuple(bert.BinString(""), exp))), ErrTokenMalformed},
		{"float expiry", seal("", bert.Encode(bert.Tuple(bert.BinString(pickleSID), bert.Float(1)))), ErrTokenMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sid, _, err := tk.Verify(tt.token)
			if !errors.Is(err, tt.want) || sid != "" {
				t.Errorf("got %q, %v; want %v", sid, err, tt.want)
			}
		})
	}
	now = now.Add(time.Hour)
	if _, _, err := tk.Verify(good); !errors.Is(err, ErrPickleExpired) {
		t.Errorf("expired: got %v, want ErrPickleExpired", err)
	}
}

func TestTokenAuthenticate(t *testing.T) {
	start := pickleNow
	now := start
	tk := mustTokens(t, &now, time.Hour)
	token := tk.Issue(pickleSID)
	forged := []byte(token)
	forged[20] ^= 1 // altered (or no longer base64url: refused either way)
	tests := []struct {
		name      string
		token     string
		at        time.Duration // after start
		sameSID   bool
		sameToken bool
	}{
		{"new visitor", "", 0, false, false},
		{"valid", token, 0, true, true},
		{"before half its TTL", token, 29 * time.Minute, true, true},
		{"past half its TTL: renewed", token, 31 * time.Minute, true, false},
		{"expired", token, time.Hour, false, false},
		{"forged", string(forged), 0, false, false},
		{"garbage", "N2O,", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = start.Add(tt.at)
			sid, inForce, fresh := tk.Authenticate(tt.token)
			if (sid == pickleSID) != tt.sameSID || (inForce == tt.token) != tt.sameToken || fresh == tt.sameSID {
				t.Fatalf("got sid %q, same token %v, fresh %v; want same sid %v, same token %v",
					sid, inForce == tt.token, fresh, tt.sameSID, tt.sameToken)
			}
			// The token in force always carries the session, for a full TTL
			// when it is new.
			got, exp, err := tk.Verify(inForce)
			if err != nil || got != sid {
				t.Fatalf("token in force verifies to %q, %v; want %q", got, err, sid)
			}
			if inForce != tt.token && !exp.Equal(now.Add(time.Hour)) {
				t.Errorf("new token expires at %v, want %v", exp, now.Add(time.Hour))
			}
		})
	}
}

func TestTokenAuthenticateConcurrent(t *testing.T) {
	now := pickleNow
	tk := mustTokens(t, &now, 0)
	_, token, _ := tk.Authenticate("")
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, got, fresh := tk.Authenticate(token); fresh || got != token {
					t.Error("a valid token was refused or replaced")
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestNewSID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := NewSID()
		if len(s) != 22 || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" || seen[s] {
			t.Fatalf("NewSID() = %q: want 22 fresh base64url characters", s)
		}
		seen[s] = true
	}
}

func BenchmarkTokenAuthenticate(b *testing.B) {
	now := pickleNow
	tk := mustTokens(b, &now, 0)
	_, token, _ := tk.Authenticate("")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, fresh := tk.Authenticate(token); fresh {
			b.Fatal("refused")
		}
	}
}
