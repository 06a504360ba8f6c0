package static

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/nitrogo/framework/assets"
)

//go:generate go run ../cmd/nitro-dev bundle -o n2o.min.js n2o.js

//go:embed n2o.min.js
var bundle []byte

// The bundle as served, computed once.
var (
	sum      = sha256.Sum256(bundle)
	hash     = hex.EncodeToString(sum[:])
	path     = "/nitro/n2o." + hash[:8] + ".js"
	gzipped  = assets.Gzip(bundle)
	etag     = `"` + hash[:16] + `"`
	etagGzip = `"` + hash[:16] + `-gz"`
)

// Path returns the URL path of the script, named for its content:
// "/nitro/n2o." + the first 8 hex digits of its SHA-256 + ".js".
func Path() string { return path }

// Script returns the HTML that loads the script:
// <script src="/nitro/n2o.HASH.js" defer></script>.
func Script() string { return `<script src="` + path + `" defer></script>` }

// Handler returns the handler that serves the script at Path, and 404 for
// any other path. Its responses may be cached for ever (the path changes
// with the content); they carry an ETag, and are gzipped when the request
// accepts gzip.
func Handler() http.Handler { return handler{} }

type handler struct{}

func (handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != path {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	body := bundle
	if assets.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = gzipped
		h.Set("Content-Encoding", "gzip")
		h.Set("ETag", etagGzip)
	} else {
		h.Set("ETag", etag)
	}
	// ServeContent answers If-None-Match (304), HEAD and ranges.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}
