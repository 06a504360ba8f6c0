package actions_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nitrogo/framework/actions"
)

func TestQuote(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"hello, world", `"hello, world"`},
		{`say "hi"`, `"say \"hi\""`},
		{`a\b`, `"a\\b"`},
		{"it's", `"it\u0027s"`},
		{"`${alert(1)}`", `"\u0060${alert(1)}\u0060"`},
		{"</script><!-- -->", `"\u003c/script\u003e\u003c!-- --\u003e"`},
		{"a & b", `"a \u0026 b"`},
		{"line\nbreak\r\ttab", `"line\nbreak\r\ttab"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001f\u007f"`},
		{"\b\f\v", `"\u0008\u000c\u000b"`},
		{"sep\u2028para\u2029end", `"sep\u2028para\u2029end"`},
		{"héllo, 世界, 🎉", `"héllo, 世界, 🎉"`},
		{"bad \xff utf8 \xe2\x80", `"bad \ufffd utf8 \ufffd\ufffd"`},
		{"$ {} / ;", `"$ {} / ;"`},
		{hostile, `"\u0060${alert(1)}\u0060 \u003c/script\u003e \u0027\" \u2028 x"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := actions.Quote(tt.in); got != tt.want {
				t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if got := string(actions.AppendQuote([]byte("x="), tt.in)); got != "x="+tt.want {
				t.Errorf("AppendQuote(%q) = %s, want x=%s", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzQuote checks Quote's promises on any text: one JSON string that
// decodes to the text (invalid UTF-8 as U+FFFD), holding no control
// character and none of the characters it escapes.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", hostile, "\u2028\u2029", "\xff\xfe", "é", "\\\"'`<>&\x00\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := actions.Quote(s)
		var back string
		if err := json.Unmarshal([]byte(q), &back); err != nil {
			t.Fatalf("Quote(%q) = %s is not JSON: %v", s, q, err)
		}
		// Each byte of invalid UTF-8 becomes U+FFFD, as in a []rune.
		if want := string([]rune(s)); back != want {
			t.Fatalf("Quote(%q) = %s decodes to %q, want %q", s, q, back, want)
		}
		inner := q[1 : len(q)-1]
		if strings.ContainsAny(inner, "'`<>&\u2028\u2029") {
			t.Fatalf("Quote(%q) = %s holds a character it must escape", s, q)
		}
		for i := 0; i < len(inner); i++ {
			if inner[i] < 0x20 {
				t.Fatalf("Quote(%q) = %s holds a control character", s, q)
			}
		}
	})
}

func BenchmarkQuote(b *testing.B) {
	s := strings.Repeat(`<p class="msg">Hello, world & all</p>`, 100)
	buf := make([]byte, 0, 8<<10)
	b.SetBytes(int64(len(s)))
	b.ReportAllocs()
	for b.Loop() {
		buf = actions.AppendQuote(buf[:0], s)
	}
}
