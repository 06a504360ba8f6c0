package tcp

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/nitrogo/framework/nitro"
)

// Config configures a Server. Its zero value works: lines, with the
// limits below.
type Config struct {
	// Framing is how the listeners cut messages: Lines (the zero value)
	// or LengthPrefix.
	Framing Framing
	// MaxMessage is the longest message read, in bytes, without its
	// framing; a longer line or length prefix closes the connection, with
	// a logged reason. Zero means 64 KiB.
	MaxMessage int
	// IdleTimeout closes a connection that sends no message for that
	// long; one that never sends any is closed after it too. Zero means
	// 5 minutes (a person at netcat is slow); negative means never.
	IdleTimeout time.Duration
	// WriteTimeout bounds one write to a peer; a peer that does not read
	// is closed after it. Zero means 10 s.
	WriteTimeout time.Duration
	// SendQueueBytes bounds the bytes waiting to be written to one
	// connection; past it the connection is closed as too slow, as the
	// loop closes one too far behind (nitro.Config.SendQueue). Zero
	// means 4 MiB.
	SendQueueBytes int
	// Path is the page's path on the nitro.Server, as Context.Path says
	// it. Zero means "/".
	Path string
}

// Server serves nitro pages (Serve) and raw handlers (ServeRaw) on
// listeners. Make one with New; it is safe for concurrent use.
type Server struct {
	srv *nitro.Server
	cfg Config
	log *slog.Logger

	mu        sync.Mutex // guards what follows
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	raws      map[*RawConn]struct{}
	down      bool // Shutdown was called
}

// ErrServerClosed is what Serve and ServeRaw return after Shutdown.
var ErrServerClosed = errors.New("tcp: server closed")

// New returns a Server of srv's pages with cfg. It starts nothing. srv
// may be nil for a Server that only runs raw handlers (ServeRaw).
func New(srv *nitro.Server, cfg Config) *Server {
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = 64 << 10
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 5 * time.Minute
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = 10 * time.Second
	}
	if cfg.SendQueueBytes <= 0 {
		cfg.SendQueueBytes = 4 << 20
	}
	if cfg.Path == "" {
		cfg.Path = "/"
	}
	s := &Server{srv: srv, cfg: cfg, listeners: map[net.Listener]struct{}{},
		conns: map[*conn]struct{}{}, raws: map[*RawConn]struct{}{}}
	if srv != nil {
		s.log = srv.Logger("tcp")
	} else {
		s.log = slog.Default().With("component", "tcp")
	}
	return s
}

// Serve accepts connections on ln and serves page on each, until ln
// fails or Shutdown; it closes ln, and returns ErrServerClosed after
// Shutdown. A Lines connection is sent init on the page's behalf as it
// opens ("N2O," with no token: a fresh session, and the page's Init);
// a LengthPrefix peer sends {init, Token} itself, as the browser does,
// within the nitro.Server's InitTimeout.
func (s *Server) Serve(ln net.Listener, page nitro.Page) error {
	if s.srv == nil {
		panic("tcp: Serve on a Server made without a nitro.Server")
	}
	return s.accept(ln, func(nc net.Conn) { s.open(nc, page) })
}

// accept runs ln's accept loop, calling serve for each connection.
func (s *Server) accept(ln net.Listener, serve func(net.Conn)) error {
	if !s.track(ln) {
		ln.Close()
		return ErrServerClosed
	}
	defer s.untrack(ln)
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.closing() {
				return ErrServerClosed
			}
			if isTemporary(err) {
				// Out of file descriptors, say: wait, as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				s.log.Warn("tcp: accept failed; retrying", "err", err, "in", delay)
				time.Sleep(delay)
				continue
			}
			ln.Close()
			return err
		}
		delay = 0
		serve(nc)
	}
}

// isTemporary reports an accept error worth retrying (EMFILE, say),
// as net/http's Serve judges it.
func isTemporary(err error) bool {
	var te interface{ Temporary() bool }
	return errors.As(err, &te) && te.Temporary()
}

func (s *Server) track(ln net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return false
	}
	s.listeners[ln] = struct{}{}
	return true
}

func (s *Server) untrack(ln net.Listener) {
	s.mu.Lock()
	delete(s.listeners, ln)
	s.mu.Unlock()
}

func (s *Server) closing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down
}

// Shutdown stops the server gracefully: it closes the listeners, stops
// reading from the connections, waits until the messages they read are
// handled and the replies written, then closes them (their pages get
// Exit). Raw connections are closed once their handler returns from
// the data in hand. If ctx ends first, Shutdown closes what is left at
// once and returns ctx's error.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.down = true
	for ln := range s.listeners {
		ln.Close()
	}
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	raws := make([]*RawConn, 0, len(s.raws))
	for r := range s.raws {
		raws = append(raws, r)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.drain()
	}
	for _, r := range raws {
		r.nc.SetReadDeadline(time.Unix(1, 0)) // the reader ends after the data in hand
	}
	var err error
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for _, c := range conns {
		for !c.drained() && err == nil {
			select {
			case <-ctx.Done():
				err = ctx.Err()
			case <-tick.C:
			}
		}
		c.Close(nitro.CloseGoingAway, "server closing")
	}
	for {
		s.mu.Lock()
		left := len(s.conns) + len(s.raws)
		s.mu.Unlock()
		if left == 0 || err != nil {
			break
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-tick.C:
		}
	}
	if err != nil {
		s.mu.Lock()
		for c := range s.conns {
			c.nc.Close()
		}
		for r := range s.raws {
			r.nc.Close()
		}
		s.mu.Unlock()
	}
	return err
}
