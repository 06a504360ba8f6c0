package assets

import (
	"bytes"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP serves the files the manifest names, and their source maps,
// at the paths Path gives; anything else is 404. The responses may be
// cached for a year (Cache-Control immutable: the name changes with the
// content), carry an ETag, and are gzipped when that is smaller and the
// request accepts it.
//
// In development it serves the source files instead, with Cache-Control
// no-cache and Last-Modified.
func (s *Set) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	if s.source != nil {
		s.serveSource(w, r)
		return
	}
	f, ok := s.served[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	if f.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if AcceptsGzip(r.Header.Get("Accept-Encoding")) {
			h.Set("Content-Encoding", "gzip")
			h.Set("ETag", f.etagz)
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.gz))
			return
		}
	}
	h.Set("ETag", f.etag)
	serveFile(w, r, s.files, f.name, time.Time{})
}

// serveSource serves the source file at the request's path, uncached.
func (s *Set) serveSource(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, s.prefix)
	if !ok || !fs.ValidPath(name) || hidden(name) {
		http.NotFound(w, r)
		return
	}
	fi, err := fs.Stat(s.source, name)
	if err != nil || !fi.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	serveFile(w, r, s.source, name, fi.ModTime())
}

// serveFile serves name from fsys with http.ServeContent, which answers
// If-None-Match and If-Modified-Since (304), HEAD and ranges.
func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string, mod time.Time) {
	f, err := fsys.Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
			return
		}
		rs = bytes.NewReader(b)
	}
	http.ServeContent(w, r, "", mod, rs)
}

// hidden reports whether a path has an element that starts with a dot.
func hidden(name string) bool {
	for el := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(el, ".") {
			return true
		}
	}
	return false
}

// types are the content types of the files a build writes, fixed here:
// mime.TypeByExtension also reads the system's tables, which differ.
var types = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".map":   "application/json",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".avif":  "image/avif",
	".ico":   "image/vnd.microsoft.icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".ttf":   "font/ttf",
	".otf":   "font/otf",
	".wasm":  "application/wasm",
	".txt":   "text/plain; charset=utf-8",
	".html":  "text/html; charset=utf-8",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

// compressible reports whether a file is text, which gzip shrinks.
func compressible(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".js", ".mjs", ".css", ".map", ".json", ".svg", ".txt", ".html", ".wasm":
		return true
	}
	return false
}

// AcceptsGzip reports whether an Accept-Encoding header accepts gzip with
// a quality above zero: by name, or else by *. Package static serves
// Nitro's client by it too.
func AcceptsGzip(header string) bool {
	gz, star := -1.0, -1.0
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if gz >= 0 {
		return gz > 0
	}
	return star > 0
}
