package nitro

import "net/http"

// Transport is what a connection offers the loop: the one seam between
// the protocol loop and whatever carries its bytes (nitro/ws for a
// WebSocket). The transport reads; it hands each message to its Conn
// (Receive) and, when reading ends, tells it so (Conn.Close). The loop
// writes: Queue frames a reply, Flush sends what is queued.
//
// The loop calls Queue and Flush from one goroutine at a time, the
// connection's worker, and never after Conn.Close has returned. Close and
// Peer may be called from any goroutine at any time, during a Flush too.
// See the package doc, Transports.
type Transport interface {
	// Queue adds one message to what the connection sends, framed for
	// the wire: a text message, or a binary one. payload is only valid
	// during the call.
	Queue(text bool, payload []byte)
	// Flush writes what Queue added, every message whole and in order.
	// With wait false it writes only what the peer takes at once and
	// never blocks; done says whether everything went. A transport that
	// cannot write without blocking returns false at once.
	Flush(wait bool) (done bool, err error)
	// Close ends the connection, telling the peer code and reason where
	// the wire can (a WebSocket close frame). Code 0 closes at once
	// without a word, for a peer that reads nothing. The transport's
	// reader then ends and calls Conn.Close.
	Close(code int, reason string)
	// Peer returns who is at the other end (N2O's wf:peer).
	Peer() Peer
}

// Peer is the other end of a connection: its address and the headers of
// the request it came with (nil where the transport has none).
type Peer struct {
	Addr   string
	Header http.Header
}

// Close codes, as WebSocket numbers them; other transports map them.
const (
	CloseNow       = 0    // no word to the peer: it is not reading
	CloseNormal    = 1000 // the peer said goodbye
	CloseGoingAway = 1001 // the server is shutting down: reconnect elsewhere
	ClosePolicy    = 1008 // the peer broke a rule (it sent no init in time)
	CloseTooBig    = 1009 // a message over the read limit
)
