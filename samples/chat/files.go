package main

import (
	"net/http"
	"os"
	"path"
	"strings"
)

// inline are the extensions of the files shown in the browser; every
// other file is a download. SVG is not among them: it can carry script.
var inline = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".webp": "image/webp",
}

// Files serves the uploaded files of dir, read-only: a plain file name
// of dir's own (no subdirectory, no hidden file such as the partial
// uploads), never a listing. Images show inline; anything else is an
// attachment; each says its name (Content-Disposition), and nothing is
// sniffed or may run script.
func Files(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := r.URL.Path
		if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
			http.NotFound(w, r)
			return
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer root.Close()
		f, err := root.Open(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; sandbox")
		h.Set("Cache-Control", "private, max-age=3600")
		// Every file says how it is shown and under which name it is saved.
		disposition := "attachment"
		if ct, ok := inline[strings.ToLower(path.Ext(name))]; ok {
			h.Set("Content-Type", ct)
			disposition = "inline"
		} else {
			h.Set("Content-Type", "application/octet-stream")
		}
		h.Set("Content-Disposition", disposition+`; filename*=UTF-8''`+pathEscape(name))
		http.ServeContent(w, r, name, fi.ModTime(), f)
	})
}

// pathEscape percent-encodes s for a filename* parameter (RFC 5987).
func pathEscape(s string) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexd[c>>4])
		b.WriteByte(hexd[c&15])
	}
	return b.String()
}
