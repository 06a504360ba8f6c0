package actions

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Quote returns s as a JavaScript string literal: double-quoted, valid
// JSON, and safe wherever generated JavaScript goes (an eval'd reply, a
// <script> element, an HTML attribute). It escapes, as \u escapes or the
// JSON short forms, the double and single quotes, the backslash, every
// control character, U+2028 and U+2029, <, >, & and the backtick, so that
// no text can end the literal, close a </script>, open an HTML comment or
// start a template substitution. Invalid UTF-8 becomes U+FFFD.
//
// Every string that actions splice into JavaScript, element ids included,
// goes through Quote.
func Quote(s string) string {
	return string(appendQuote(make([]byte, 0, len(s)+2), s))
}

// AppendQuote appends Quote(s) to dst and returns the extended buffer, for
// writers of JavaScript that build it in place (nitro.Context.AppendJS).
func AppendQuote(dst []byte, s string) []byte { return appendQuote(dst, s) }

const hexDigits = "0123456789abcdef"

// appendQuote is Quote for text held as a string or as bytes (rendered
// HTML), without converting it.
func appendQuote[S string | []byte](b []byte, s S) []byte {
	b = append(b, '"')
	start := 0 // s[start:i] is pending, copied as is
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if safeASCII[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		// Decode the rune from at most 4 bytes; the conversion of so short
		// a slice does not allocate.
		end := min(i+utf8.UTFMax, len(s))
		r, size := utf8.DecodeRuneInString(string(s[i:end]))
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// safeASCII reports the ASCII bytes Quote copies as they are.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = true
	}
	for _, c := range "\"\\'<>&`" {
		t[c] = false
	}
	return t
}()

// appendJSON appends v as JSON (encoding/json), made as safe as Quote's
// literals: <, >, &, the quotes of HTML attributes, the backtick, U+2028
// and U+2029 can only occur inside JSON strings, where their \u escapes
// mean the same.
func appendJSON(b []byte, v any) ([]byte, error) {
	// The common values without encoding/json's reflection and buffer.
	switch x := v.(type) {
	case string:
		return appendQuote(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case nil:
		return append(b, "null"...), nil
	}
	data, err := json.Marshal(v) // escapes <, >, &, U+2028, U+2029
	if err != nil {
		return b, err
	}
	start := 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\'', '`', '<', '>', '&':
			b = append(b, data[start:i]...)
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			start = i + 1
		case 0xe2: // U+2028 and U+2029, should a Marshaler's output bring them
			if i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xa8 || data[i+2] == 0xa9) {
				b = append(b, data[start:i]...)
				b = append(b, '\\', 'u', '2', '0', '2', hexDigits[data[i+2]&0xf])
				i += 2
				start = i + 1
			}
		}
	}
	return append(b, data[start:]...), nil
}
