package elements

// special marks the bytes appendEscaped looks at: the HTML specials, NUL,
// and 0xE2, the first byte of U+2028 and U+2029.
var special = [256]bool{'&': true, '<': true, '>': true, '"': true, '\'': true, 0: true, 0xE2: true}

// appendEscaped appends s to b escaped for HTML text and for a quoted
// attribute value: & < > " ' become entities, NUL becomes U+FFFD, and the
// line and paragraph separators U+2028 and U+2029 become &#x2028; and
// &#x2029;, so the HTML stays one line of JavaScript if it is ever pasted
// into a script. Other bytes, invalid UTF-8 included, pass through.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !special[c] {
			continue
		}
		var rep string
		switch c {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '"':
			rep = "&#34;"
		case '\'':
			rep = "&#39;"
		case 0:
			rep = "\uFFFD"
		case 0xE2:
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				if s[i+2] == 0xA8 {
					rep = "&#x2028;"
				} else {
					rep = "&#x2029;"
				}
				b = append(b, s[last:i]...)
				b = append(b, rep...)
				i += 2
				last = i + 1
			}
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, rep...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// validName reports whether s may follow "data-" or "aria-" in an
// attribute name: ASCII letters, digits, '-', '_' and '.', so that no
// name can close the tag or start another attribute.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}
