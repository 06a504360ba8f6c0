package ftp_test

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro/ftp"
)

func TestSanitizeFilename(t *testing.T) {
	long := strings.Repeat("é", 150) // 300 bytes
	tests := []struct {
		name, want string
	}{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`..\..\x`, "x"},
		{"/abs", "abs"},
		{"dir/", "upload"},
		{"a\x00b", "ab"},
		{"tab\there\r\n.txt", "tabhere.txt"},
		{"", "upload"},
		{"..", "upload"},
		{"...", "upload"},
		{".hidden", "hidden"},
		{" . .x", "x"},
		{"trailing. . ", "trailing"},
		{"a..b...c", "a.b.c"},
		{"Zoë 📄 résumé.pdf", "Zoë 📄 résumé.pdf"},
		{"x\u202Etxt.exe", "xtxt.exe"},
		{"\xff\xfebad.txt", "bad.txt"},
		{`C:\Windows\evil.dll`, "evil.dll"},
		{`what?*:"<>|.txt`, "what_______.txt"},
		{"CON", "_CON"},
		{"nul.txt", "_nul.txt"},
		{"com1.log", "_com1.log"},
		{"console.txt", "console.txt"},
		{long + ".txt", strings.Repeat("é", 98) + ".txt"},
		{long, strings.Repeat("é", 100)},
	}
	for _, tt := range tests {
		if got := ftp.SanitizeFilename(tt.name); got != tt.want {
			t.Errorf("SanitizeFilename(%q): got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// FuzzSanitizeFilename holds the sanitiser to its promises on any input.
func FuzzSanitizeFilename(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", `..\..\x`, "a\x00b", ". .", "CON.txt", "x\u202Etxt.exe",
		strings.Repeat("ab.", 100) + "tar.gz", strings.Repeat("日", 80) + "." + strings.Repeat("x", 20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := ftp.SanitizeFilename(name)
		switch {
		case got == "" || len(got) > 200 || !utf8.ValidString(got):
			t.Fatalf("%q: got %q: empty, too long or not UTF-8", name, got)
		case strings.ContainsAny(got, `/\:*?"<>|`) || strings.Contains(got, ".."):
			t.Fatalf("%q: got %q: a separator, a forbidden character or ..", name, got)
		case strings.HasPrefix(got, ".") || strings.TrimSpace(got) != got || strings.HasSuffix(got, "."):
			t.Fatalf("%q: got %q: leading or trailing dot or space", name, got)
		case strings.IndexFunc(got, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0:
			t.Fatalf("%q: got %q: a control or format character", name, got)
		case !filepath.IsLocal(got) || filepath.Base(got) != got:
			t.Fatalf("%q: got %q: not a local base name", name, got)
		}
		if again := ftp.SanitizeFilename(got); again != got {
			t.Fatalf("%q: sanitised %q, then %q: not idempotent", name, got, again)
		}
	})
}
