package natsbus_test

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"unicode"

	"github.com/nitrogo/framework/nitro/natsbus"
)

func TestSubject(t *testing.T) {
	long := strings.Repeat("x", 769)
	sum := sha256.Sum256([]byte(long))
	tests := []struct {
		prefix, topic, want string
	}{
		{"nitro", "room/lobby", "nitro.cm9vbS9sb2JieQ"},
		{"nitro", "a.b", "nitro.YS5i"},
		{"nitro", "*", "nitro.Kg"},
		{"nitro", ">", "nitro.Pg"},
		{"nitro", "with spaces", "nitro.d2l0aCBzcGFjZXM"},
		{"nitro", "", "nitro.~"},
		{"app.nitro", "a", "app.nitro.YQ"},
		{"nitro", strings.Repeat("x", 768), "nitro." + base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("x", 768)))},
		{"nitro", long, "nitro.~" + base64.RawURLEncoding.EncodeToString(sum[:])},
	}
	for _, tt := range tests {
		if got := natsbus.Subject(tt.prefix, tt.topic); got != tt.want {
			t.Errorf("Subject(%q, %.20q): got %q, want %q", tt.prefix, tt.topic, got, tt.want)
		}
	}
}

// FuzzSubject: every topic becomes exactly one valid subject token, which
// decodes back to the topic (or, for the long ones, to its hash), and two
// different topics never share one.
func FuzzSubject(f *testing.F) {
	for _, s := range []string{"", "room/lobby", "a.b", "*", ">", "~", " ", "\x00", "ünï", strings.Repeat("y", 800)} {
		f.Add(s, s+".")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ta, tb := topicToken(t, a), topicToken(t, b)
		if a != b && ta == tb {
			t.Fatalf("topics %q and %q share the token %q", a, b, ta)
		}
	})
}

// topicToken checks topic's subject and returns its token.
func topicToken(t *testing.T, topic string) string {
	t.Helper()
	subject := natsbus.Subject("nitro", topic)
	tok, ok := strings.CutPrefix(subject, "nitro.")
	if !ok || tok == "" {
		t.Fatalf("Subject(%q) = %q: want nitro. and one token", topic, subject)
	}
	for _, r := range tok {
		if r == '.' || r == '*' || r == '>' || r > unicode.MaxASCII || !unicode.IsPrint(r) || unicode.IsSpace(r) {
			t.Fatalf("token %q of %q holds %q", tok, topic, r)
		}
	}
	switch h, hashed := strings.CutPrefix(tok, "~"); {
	case tok == "~":
		if topic != "" {
			t.Fatalf("token ~ is the empty topic's, not %q's", topic)
		}
	case hashed:
		sum := sha256.Sum256([]byte(topic))
		if len(topic) <= 768 || h != base64.RawURLEncoding.EncodeToString(sum[:]) {
			t.Fatalf("token %q of %q (%d bytes): want the hash of a topic over 768 bytes", tok, topic, len(topic))
		}
	default:
		got, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || string(got) != topic {
			t.Fatalf("token %q decodes to %q (%v), want %q", tok, got, err, topic)
		}
	}
	return tok
}
