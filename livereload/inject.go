package livereload

import (
	"bufio"
	"bytes"
	"net"
	"net/http"
	"slices"
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

// NonceTag returns tag with the script nonce of the response whose header
// is h on its <script> elements, so that they run under a
// Content-Security-Policy that allows scripts by nonce; without such a
// nonce, tag as it is. The nonce is the first 'nonce-...' source of the
// directive that rules script elements: script-src-elem, else script-src,
// else default-src.
func NonceTag(tag string, h http.Header) string {
	n := scriptNonce(h.Values("Content-Security-Policy"))
	if n == "" {
		return tag
	}
	return strings.ReplaceAll(tag, "<script", `<script nonce="`+n+`"`)
}

// scriptNonce returns the first script nonce of the policies, or "". A
// header may hold several policies, separated by commas.
func scriptNonce(headers []string) string {
	for _, header := range headers {
		for policy := range strings.SplitSeq(header, ",") {
			if n := policyNonce(policy); n != "" {
				return n
			}
		}
	}
	return ""
}

// policyNonce returns the script nonce of one policy, or "".
func policyNonce(policy string) string {
	var rule [3][]string // script-src-elem, script-src, default-src: the first of each name counts
	for d := range strings.SplitSeq(policy, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		i := slices.Index([]string{"script-src-elem", "script-src", "default-src"}, strings.ToLower(f[0]))
		if i >= 0 && rule[i] == nil {
			rule[i] = f[1:]
		}
	}
	for _, sources := range rule {
		if sources == nil {
			continue
		}
		for _, s := range sources {
			if len(s) > len("'nonce-'") && strings.EqualFold(s[:len("'nonce-")], "'nonce-") && s[len(s)-1] == '\'' {
				if n := s[len("'nonce-") : len(s)-1]; isBase64(n) {
					return n
				}
			}
		}
		return "" // the directive that rules has no nonce: the later ones do not count
	}
	return ""
}

// isBase64 reports whether n is a nonce as CSP writes it (base64 or
// base64url), which needs no escaping in an HTML attribute.
func isBase64(n string) bool {
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("+/-_=", c) >= 0) {
			return false
		}
	}
	return n != ""
}

// Inject wraps next so that its HTML responses carry tag before </body>,
// with the response's script nonce (NonceTag). It asks next for
// uncompressed responses (it removes Accept-Encoding) and leaves anything
// that is not HTML, or is still compressed, untouched.
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
	out := InjectHTML(iw.buf.Bytes(), NonceTag(iw.tag, iw.w.Header()))
	iw.w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	iw.w.WriteHeader(iw.status)
	iw.w.Write(out)
}
