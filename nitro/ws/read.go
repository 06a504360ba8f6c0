package ws

import (
	"errors"
	"io"
	"sync"
	"time"
)

// Reading a message. gorilla's ReadMessage reads a whole message before
// the loop can say whether it has room for it (nitro's InboxBytes and
// InboundBytes), so each reader that waits for room holds a message, and
// hostile peers make memory grow with their number. Here a reader reads
// the first smallRead bytes freely (a postback, a ping, a form), and
// waits for one of the endpoint's large-read slots before reading more:
// what is read and not yet counted by the loop is then bounded by the
// slots (Config.ReadBudget), whatever the number of sockets.

// smallRead is what a message may take without a slot.
const smallRead = 4 << 10

var smallBufs = sync.Pool{New: func() any { b := make([]byte, smallRead); return &b }}

// largeBufs holds buffers of the read limit, one per large read at most.
var largeBufs sync.Pool

// errTooSlow ends a socket that did not finish a large message in time.
var errTooSlow = errors.New("ws: a large message took too long to arrive")

// readMessage reads the message r gives, in a slice of its exact size.
// large reports that the reader holds a slot, to give back with
// t.e.release once the loop has counted the message.
func (t *conn) readMessage(r io.Reader) (data []byte, large bool, err error) {
	sb := smallBufs.Get().(*[]byte)
	defer smallBufs.Put(sb)
	n, err := io.ReadFull(r, *sb)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return append([]byte(nil), (*sb)[:n]...), false, nil
	}
	if err != nil {
		return nil, false, err
	}
	t.e.large <- struct{}{}
	// A slot is the endpoint's to share: the rest of the message must
	// come within ReadTimeout, pongs or not.
	t.reading = true
	t.ws.SetReadDeadline(time.Now().Add(t.e.readTimeout))
	defer func() {
		t.reading = false
		t.readDeadline = 0
		t.touch()
		if err != nil {
			t.e.release()
			large = false
		}
	}()
	// One byte over the limit: gorilla fails a message past it, so the
	// buffer never fills, and the loop ends at EOF or an error.
	lb, _ := largeBufs.Get().(*[]byte)
	if lb == nil || int64(len(*lb)) <= t.e.readLimit {
		b := make([]byte, t.e.readLimit+1)
		lb = &b
	}
	defer largeBufs.Put(lb)
	buf := *lb
	copy(buf, *sb)
	for n < len(buf) {
		var m int
		m, err = r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return append([]byte(nil), buf[:n]...), true, nil
		}
		if err != nil {
			if isTimeout(err) {
				err = errTooSlow
			}
			return nil, false, err
		}
	}
	return nil, false, errors.New("ws: a message past the read limit")
}

// release gives back a large-read slot.
func (e *Endpoint) release() { <-e.large }

func isTimeout(err error) bool {
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout()
}
