package livereload

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// InjectHTML returns html with tag inserted before the last </body>, or
// appended when there is none.
func InjectHTML(html []byte, tag string) []byte {
	i := bytes.LastIndex(bytes.ToLower(html), []byte("</body>"))
	if i < 0 {
		return append(html[:len(html):len(html)], tag...)
	}
	out := make([]byte, 0, len(html)+len(tag))
	out = append(out, html[:i]...)
	out = append(out, tag...)
	return append(out, html[i:]...)
}

// IsHTML reports whether a response with this header carries HTML that
// InjectHTML can edit: text/html and not content-encoded.
func IsHTML(h http.Header) bool {
	ct := h.Get("Content-Type")
	enc := h.Get("Content-Encoding")
	return strings.HasPrefix(ct, "text/html") && (enc == "" || enc == "identity")
}

// Inject wraps next so that its HTML responses carry tag before </body>.
// It asks next for uncompressed responses (it removes Accept-Encoding) and
// leaves anything that is not HTML, or is still compressed, untouched.
func Inject(next http.Handler, tag string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Accept-Encoding")
		iw := &injectWriter{w: w, tag: tag}
		next.ServeHTTP(iw, r)
		iw.finish()
	})
}

// injectWriter buffers an HTML response to inject the tag, and passes any
// other response straight through.
type injectWriter struct {
	w       http.ResponseWriter
	tag     string
	decided bool
	html    bool
	status  int
	buf     bytes.Buffer
}

func (iw *injectWriter) Header() http.Header { return iw.w.Header() }

func (iw *injectWriter) WriteHeader(code int) {
	if iw.decided {
		return
	}
	iw.decided = true
	iw.status = code
	iw.html = IsHTML(iw.w.Header()) && code != http.StatusNoContent && code != http.StatusNotModified
	if !iw.html {
		iw.w.WriteHeader(code)
	}
}

func (iw *injectWriter) Write(b []byte) (int, error) {
	if !iw.decided {
		if iw.w.Header().Get("Content-Type") == "" {
			iw.w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		iw.WriteHeader(http.StatusOK)
	}
	if iw.html {
		return iw.buf.Write(b)
	}
	return iw.w.Write(b)
}

// Flush passes through for streams that are not HTML.
func (iw *injectWriter) Flush() {
	if iw.decided && !iw.html {
		http.NewResponseController(iw.w).Flush()
	}
}

// Hijack lets WebSocket upgrades through.
func (iw *injectWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	iw.decided = true
	return http.NewResponseController(iw.w).Hijack()
}

func (iw *injectWriter) Unwrap() http.ResponseWriter { return iw.w }

func (iw *injectWriter) finish() {
	if !iw.html {
		return
	}
	out := InjectHTML(iw.buf.Bytes(), iw.tag)
	iw.w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	iw.w.WriteHeader(iw.status)
	iw.w.Write(out)
}
