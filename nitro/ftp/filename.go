package ftp

import (
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilename is the longest sanitised name, in bytes: room under the 255
// of most file systems for the -N that keeps an upload from replacing
// another.
const maxFilename = 200

// SanitizeFilename returns a name that is safe to create in a directory,
// from a name a client sent: its base name only (after the last / or \),
// without control or format characters (NUL, bidi overrides that disguise
// an extension), without "..", leading dots or spaces, or characters
// Windows forbids, not a Windows device name, at most 200 bytes of valid
// UTF-8 (keeping a short extension), and "upload" if nothing is left.
// Sanitising a sanitised name leaves it as is.
func SanitizeFilename(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	var last rune
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue
		case strings.ContainsRune(`:*?"<>|`, r):
			r = '_'
		case r == '.' && last == '.':
			continue
		}
		b.WriteRune(r)
		last = r
	}
	name = strings.TrimFunc(b.String(), dotOrSpace)
	if name == "" {
		return "upload"
	}
	if reservedName(name) {
		name = "_" + name
	}
	return truncateName(name, maxFilename)
}

func dotOrSpace(r rune) bool { return r == '.' || unicode.IsSpace(r) }

// truncateName cuts name to max bytes at a rune boundary, keeping an
// extension of up to 16 bytes.
func truncateName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	ext := filepath.Ext(name)
	if len(ext) > 16 {
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	cut := max - len(ext)
	for cut > 0 && !utf8.RuneStart(stem[cut]) {
		cut--
	}
	// The stem keeps a first rune that is neither dot nor space, so
	// trimming its end leaves it non-empty, and stem+ext has no "..".
	return strings.TrimRightFunc(stem[:cut], dotOrSpace) + ext
}

// reservedName reports a Windows device name (CON, NUL, COM1...), which
// names a device there whatever its extension.
func reservedName(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.TrimRightFunc(stem, unicode.IsSpace)
	switch strings.ToUpper(stem) {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) == 4 {
		s := strings.ToUpper(stem)
		return (strings.HasPrefix(s, "COM") || strings.HasPrefix(s, "LPT")) && s[3] >= '0' && s[3] <= '9'
	}
	return false
}
