package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// hostile measures how far hostile clients raise the server's memory:
// sockets that never log in (no init, unless -init), each sending frames
// just under the server's read limit as fast as the socket takes them,
// every frame the costliest term to decode (a list of a million empty
// lists). The clients read and drop whatever the server sends, so that
// what is measured is the server's memory and not a full socket; a socket
// the server closes is opened again, so that the pressure lasts the whole
// -duration. The server's resident memory is read every 100 ms: the
// report gives it before, at its peak and at the end.
func hostile(args []string, out io.Writer) error {
	o := newOptions("hostile", "sockets that never log in, sending the costliest frames to decode as fast as the server takes them: the server's peak memory", 1, 10*time.Second).withSample()
	o.fs.Lookup("warmup").Usage = "wait after the server is up before the baseline is read"
	size := o.fs.Int("frame", 1<<20-64, "bytes in each frame: just under nitro/ws's read limit of 1 MiB")
	shape := o.fs.String("shape", "lists", "what a frame holds: a list of empty lists (lists, one term per byte), of empty tuples (tuples) or of empty binaries (binaries)")
	sayInit := o.fs.Bool("init", false, "send N2O's init first; without it a client never says who it is")
	if err := o.parse(args); err != nil {
		return err
	}
	if o.target != nil && o.pid == 0 {
		return errors.New("hostile measures the server's memory: give -pid with -url")
	}
	frame, err := hostileFrame(*shape, *size)
	if err != nil {
		return err
	}
	srv, err := o.start(o.clients + setupParallel)
	if err != nil {
		return err
	}
	defer srv.stop()

	b := newBrowser(o.timeout)
	// A write buffer that holds the whole frame, so that it goes as one
	// WebSocket frame rather than as fragments of the default 1 KiB.
	b.ws.WriteBufferSize = len(frame)
	b.ws.WriteBufferPool = &sync.Pool{}
	page, paint := o.target, true
	switch {
	case o.sample:
		page = &url.URL{Scheme: "http", Host: srv.addr, Path: "/login"}
	case page == nil:
		page, paint = &url.URL{Host: srv.addr, Path: "/bench"}, false
	}
	h := &pressure{frame: frame, conns: make([]*websocket.Conn, o.clients)}
	h.open = func() (*client, error) {
		var token string
		if paint {
			// The cookie, as a browser has it, so that the socket is
			// opened as the page's script would open it.
			var err error
			if token, err = b.paint(page, ""); err != nil {
				return nil, err
			}
		}
		c, err := b.open(page, token)
		if err == nil && *sayInit {
			if err = c.ws.WriteMessage(websocket.TextMessage, []byte("N2O,"+token)); err != nil {
				c.ws.Close()
			}
		}
		return c, err
	}

	time.Sleep(o.warmup)
	r := newResult(o, srv, "frame", "a frame's write, until the socket took it")
	if r.RSSBefore, err = srv.rss(); err != nil {
		return err
	}
	rss := watchRSS(srv, r.RSSBefore, 100*time.Millisecond)
	a := srv.snapshot()
	cs, _, err := b.connect(srv, o.clients, func(int) (*client, error) { return h.open() })
	if err != nil {
		rss.stop()
		return err
	}
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Add(1)
		go func() { defer wg.Done(); h.client(i, c.ws) }()
	}
	time.Sleep(o.duration)
	z := srv.snapshot()
	frames, sent := h.frames.Load(), h.bytes.Load() // those of the measured time
	r.RSSAfter, err = srv.rss()
	peak, rssErr := rss.stop()
	h.end()
	wg.Wait()
	if err = errors.Join(err, rssErr); err != nil {
		return fmt.Errorf("reading the server's memory: %w (has it exited?)", err)
	}
	if n := h.refused.Load(); n > 0 {
		fmt.Fprintf(os.Stderr, "nitro-bench: %d sockets could not be opened again after the server closed one (%v)\n", n, h.lastRefusal())
	}
	r.measured(a, z, frames, h.lat)
	r.RSSPeak, r.BytesSent, r.ClosedByServer = max(peak, r.RSSAfter), sent, h.closed.Load()
	return r.print(out, o.json)
}

// hostileFrame is a frame of at most size bytes that costs the server the
// most to decode for its size: the version byte, then a list of as many
// empty terms as fit, each one a Term (24 bytes) once decoded.
func hostileFrame(shape string, size int) ([]byte, error) {
	var elem []byte
	switch shape {
	case "lists":
		elem = []byte{106} // NIL_EXT: one byte
	case "tuples":
		elem = []byte{104, 0} // SMALL_TUPLE_EXT of arity 0
	case "binaries":
		elem = []byte{109, 0, 0, 0, 0} // BINARY_EXT of length 0
	default:
		return nil, fmt.Errorf("-shape %q: lists, tuples or binaries", shape)
	}
	const head, tail = 6, 1 // 131, LIST_EXT, its length; NIL_EXT
	if size < head+len(elem)+tail || size > maxFrame {
		return nil, fmt.Errorf("-frame %d: from %d to %d bytes", size, head+len(elem)+tail, maxFrame)
	}
	n := (size - head - tail) / len(elem)
	b := make([]byte, head, head+n*len(elem)+tail)
	b[0], b[1] = 131, 108
	binary.BigEndian.PutUint32(b[2:], uint32(n))
	for range n {
		b = append(b, elem...)
	}
	return append(b, 106), nil
}

// maxFrame bounds -frame: far over any server's read limit, short of
// making the tool's own memory the story.
const maxFrame = 64 << 20

// pressure is what the hostile clients share: the frame, the sockets
// open now (so that the end can close them), and the counts.
type pressure struct {
	frame []byte
	open  func() (*client, error)

	frames, bytes, closed, refused atomic.Int64

	mu      sync.Mutex
	conns   []*websocket.Conn // each client's socket now
	ended   bool
	lat     []time.Duration // each frame's write
	refusal error           // the last failed reopen
}

// client sends frames on ws until the server closes it, then opens
// another socket and goes on, until the end.
func (h *pressure) client(i int, ws *websocket.Conn) {
	var lat []time.Duration
	var sent int64
	defer func() { h.mu.Lock(); h.lat = append(h.lat, lat...); h.mu.Unlock() }()
	for {
		if !h.hold(i, ws) {
			ws.Close()
			return
		}
		read := make(chan struct{})
		go func() {
			defer close(read)
			for {
				if _, _, err := ws.NextReader(); err != nil {
					break
				}
			}
			ws.Close() // a writer waiting on a socket the server left
		}()
		for {
			t0 := time.Now()
			if err := ws.WriteMessage(websocket.BinaryMessage, h.frame); err != nil {
				break
			}
			// A uniform sample of the writes, so that small frames for
			// minutes do not make the tool's memory grow.
			if sent++; len(lat) < keepLatencies {
				lat = append(lat, time.Since(t0))
			} else if j := rand.Int64N(sent); j < keepLatencies {
				lat[j] = time.Since(t0)
			}
			h.frames.Add(1)
			h.bytes.Add(int64(len(h.frame)))
		}
		ws.Close()
		<-read
		if h.over() {
			return
		}
		h.closed.Add(1)
		for {
			c, err := h.open()
			if err == nil {
				ws = c.ws
				break
			}
			h.refuse(err)
			if h.over() {
				return
			}
			time.Sleep(50 * time.Millisecond) // a server refusing sockets is not to be spun on
		}
	}
}

// keepLatencies is how many writes' latencies a client keeps.
const keepLatencies = 1 << 16

// hold makes ws client i's socket, the one the end closes; false once
// the run has ended.
func (h *pressure) hold(i int, ws *websocket.Conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conns[i] = ws
	return !h.ended
}

// end closes the sockets, which ends the clients' writes and reads.
func (h *pressure) end() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ended = true
	for _, ws := range h.conns {
		if ws != nil {
			ws.Close()
		}
	}
}

func (h *pressure) over() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ended
}

func (h *pressure) refuse(err error) {
	h.refused.Add(1)
	h.mu.Lock()
	h.refusal = err
	h.mu.Unlock()
}

func (h *pressure) lastRefusal() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.refusal
}

// rssWatch reads a server's resident memory on a ticker and keeps the
// peak: a peak between two reports is what an OOM killer would meet.
type rssWatch struct {
	done chan struct{}
	out  chan rssPeak
}

type rssPeak struct {
	peak int64
	err  error
}

func watchRSS(srv *child, start int64, every time.Duration) *rssWatch {
	w := &rssWatch{done: make(chan struct{}), out: make(chan rssPeak, 1)}
	go func() {
		p := rssPeak{peak: start}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-w.done:
				w.out <- p
				return
			case <-tick.C:
				rss, err := srv.rss()
				if err != nil {
					p.err = err
					w.out <- p
					<-w.done
					return
				}
				p.peak = max(p.peak, rss)
			}
		}
	}()
	return w
}

// stop ends the watch and returns the peak it saw, and why it stopped
// early if it did.
func (w *rssWatch) stop() (int64, error) {
	close(w.done)
	p := <-w.out
	return p.peak, p.err
}
