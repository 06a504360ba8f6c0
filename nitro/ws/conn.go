package ws

import (
	"bufio"
	"errors"
	"net/http"
	"net/netip"
	"net/textproto"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro"
)

// conn is one socket: the nitro.Transport of one page. Its reader
// goroutine reads messages with gorilla and hands them to the loop; all
// writing goes through its writer.
type conn struct {
	w      writer // gorilla's net.Conn: one allocation with the rest
	e      *Endpoint
	ws     *websocket.Conn
	c      *nitro.Conn
	header string      // the request's headers, for Peer (see peerHeader)
	ip     *netip.Addr // the client, as MaxPerIP counts it; nil without a cap
	ping   *time.Timer

	readDeadline int64   // Unix nanoseconds; reader goroutine only
	reading      bool    // a large message holds a slot: its deadline stays; reader goroutine only
	batch        *[]byte // frames queued and not yet flushed; the loop's worker only
}

var _ nitro.Transport = (*conn)(nil)

// start sets the connection's limits and handlers. gorilla's own ping and
// close handlers would write through gorilla; these write through the
// writer.
func (t *conn) start() {
	t.ws.SetReadLimit(t.e.readLimit)
	t.ws.SetPongHandler(func(string) error { t.touch(); return nil })
	t.ws.SetPingHandler(func(data string) error {
		t.touch()
		t.w.control(opPong, []byte(data))
		return nil
	})
	t.ws.SetCloseHandler(func(code int, _ string) error {
		// Echo the code, as RFC 6455 §5.5.1 asks; the reader then ends.
		if code == websocket.CloseNoStatusReceived {
			code = websocket.CloseNormalClosure
		}
		t.w.control(opClose, websocket.FormatCloseMessage(code, ""))
		return nil
	})
	t.touch()
	t.ping = time.AfterFunc(t.e.pingEvery, t.pingNow)
}

// touch moves the read deadline on: the peer is alive. Moving a deadline
// costs a timer update, so it moves once half its timeout has passed.
func (t *conn) touch() {
	if t.reading {
		return
	}
	if now := time.Now().UnixNano(); t.readDeadline-now < int64(t.e.readTimeout/2) {
		t.readDeadline = now + int64(t.e.readTimeout)
		t.ws.SetReadDeadline(time.Unix(0, t.readDeadline))
	}
}

func (t *conn) pingNow() {
	if t.w.control(opPing, nil) == nil {
		t.ping.Reset(t.e.pingEvery)
	}
}

func (t *conn) readLoop() {
	var err error
	for {
		mt, r, err1 := t.ws.NextReader()
		if err = err1; err != nil {
			break
		}
		data, large, err1 := t.readMessage(r)
		if err = err1; err != nil {
			break
		}
		t.touch()
		err1 = t.c.Receive(mt == websocket.TextMessage, data)
		if large {
			t.e.release() // the loop counts the message now
		}
		if err1 != nil {
			break
		}
	}
	t.ping.Stop()
	if t.ip != nil {
		t.e.leave(*t.ip)
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
		err = nil
	}
	t.c.Close(err)
}

// Queue implements nitro.Transport.
func (t *conn) Queue(text bool, payload []byte) {
	if t.batch == nil {
		t.batch = bufPool.Get().(*[]byte)
		*t.batch = (*t.batch)[:0]
	}
	op := byte(opBinary)
	if text {
		op = opText
	}
	*t.batch = appendFrame(*t.batch, op, payload)
}

// Flush implements nitro.Transport. A flush that must not wait gives up
// at once when another goroutine is writing (a ping, say).
func (t *conn) Flush(wait bool) (bool, error) {
	if !wait {
		if !t.w.mu.TryLock() {
			return false, nil
		}
		defer t.w.mu.Unlock()
		t.w.take(&t.batch)
		return t.w.tryOut(), nil
	}
	t.w.mu.Lock()
	defer t.w.mu.Unlock()
	t.w.take(&t.batch)
	return true, t.w.writeOut()
}

// Close implements nitro.Transport: with a code, a close frame goes out
// after what waits, within a second; then the socket closes, which ends
// the reader.
func (t *conn) Close(code int, reason string) {
	if code != nitro.CloseNow {
		t.w.closeFrame(websocket.FormatCloseMessage(code, reason))
	}
	t.ws.Close()
}

// Name is the transport's name in the server's Stats: "ws".
func (t *conn) Name() string { return "ws" }

// Peer implements nitro.Transport.
func (t *conn) Peer() nitro.Peer {
	p := nitro.Peer{Addr: t.w.RemoteAddr().String()}
	if t.header != "" {
		h, err := textproto.NewReader(bufio.NewReader(strings.NewReader(t.header))).ReadMIMEHeader()
		if err == nil || len(h) > 0 {
			p.Header = http.Header(h)
		}
	}
	return p
}

// handshake are the headers of the WebSocket handshake itself, which a
// page has no use for.
var handshake = map[string]bool{"Upgrade": true, "Connection": true, "Sec-Websocket-Key": true,
	"Sec-Websocket-Version": true, "Sec-Websocket-Extensions": true}

// peerHeader keeps the request's headers but the handshake's as one
// string, in the wire's form: an idle connection then holds one
// allocation of the exact size for them, rather than a map; Peer parses
// it when asked. The session cookie is left out: the Context has the
// token (Context.Token).
func peerHeader(h http.Header) string {
	n := 0
	each := func(fn func(k, v string)) {
		for k, vs := range h {
			if handshake[k] {
				continue
			}
			for _, v := range vs {
				if k == "Cookie" {
					if v = withoutToken(v); v == "" {
						continue
					}
				}
				fn(k, v)
			}
		}
	}
	each(func(k, v string) { n += len(k) + len(v) + 4 })
	if n == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(n + 2)
	each(func(k, v string) {
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(strings.Map(noNewline, v))
		b.WriteString("\r\n")
	})
	b.WriteString("\r\n")
	return b.String()
}

// withoutToken returns a Cookie header without its X-Auth-Token.
func withoutToken(cookie string) string {
	if !strings.Contains(cookie, "X-Auth-Token=") {
		return cookie
	}
	var kept []string
	for _, c := range strings.Split(cookie, ";") {
		if !strings.HasPrefix(strings.TrimSpace(c), "X-Auth-Token=") {
			kept = append(kept, strings.TrimSpace(c))
		}
	}
	return strings.Join(kept, "; ")
}

func noNewline(r rune) rune {
	if r == '\r' || r == '\n' {
		return ' '
	}
	return r
}
