package nitro

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Server. Its zero value works, with one deliberate
// exception: it names no pickle keys, and nitro ships none.
type Config struct {
	// Keys seal pickles and session tokens; required. Nodes that share
	// keys accept each other's pickles. Package nitro/keys reads them
	// from text, or keeps a development key in a file.
	Keys *KeyRing

	// Protocols is the protocol chain, in order. Nil means
	// DefaultProtocols(): Heart, then Nitro. Services add theirs (the
	// upload protocol, nitro/ftp).
	Protocols []Protocol
	// Sessions stores session values. Nil means a MemoryStore (900 s TTL).
	Sessions Store
	// Bus carries publications between connections. Nil means a MemoryBus:
	// one process. Several nodes share a distributed Bus.
	Bus Bus

	// SendQueue is how many messages may wait for a connection; past
	// that it is closed as too far behind (at once, without a close
	// message, which could not get past what the peer has not read), and
	// its page reconnects. Zero means 256.
	SendQueue int
	// InboxBytes bounds the bytes a connection has read and not yet
	// handled: past it, its transport's reader waits (back-pressure). A
	// single message always fits. Zero means 1 MiB.
	InboxBytes int
	// InboundBytes bounds the same over all connections: past it, every
	// reader waits until the workers catch up, so hostile peers cannot
	// make memory grow. Zero means 64 MiB.
	InboundBytes int64
	// TermMemory bounds the memory the term of one message may take once
	// decoded (bert.Decoder.MaxMemory): a 1 MiB frame of empty lists
	// would take 24 MiB. A frame over it is answered as a bad frame. Zero
	// means 4 MiB.
	TermMemory int
	// GuestTermMemory is TermMemory for a connection whose session has no
	// user yet (Context.SetUser): one that has not logged in, hostile or
	// not, gets the server to decode less. Zero means 512 KiB, which
	// holds an upload's block (256 KiB) and any form.
	GuestTermMemory int
	// InitTimeout closes a connection that has not sent init (the Nitro
	// protocol's) by then, whatever else it sends, pongs included: a
	// socket held open and idle costs memory. Zero means 30 s; negative
	// means never, for chains without the Nitro protocol.
	InitTimeout time.Duration
	// TokenTTL is how long a session token lives unused. Zero means 24 h.
	TokenTTL time.Duration
	// PickleTTL is how long a postback stays valid after its page was
	// rendered. A reconnect renders fresh ones. Zero means 24 h.
	PickleTTL time.Duration

	// Now returns the current time. Nil means the server's own clock,
	// which reads the system's every 50 ms; tests move it.
	Now func() time.Time

	// Logger receives the server's logs, each component's with the
	// attribute component=<name> (package nitro/logs sets a level per
	// component). Nil means slog.Default().
	Logger *slog.Logger
}

// Server is the protocol loop: it holds what connections share (keys,
// sessions, the bus, the chain) and runs the connections transports open.
// Create it with New; it starts working with Run or its first connection.
type Server struct {
	cfg      Config
	chain    Chain
	keys     *KeyRing
	tokens   *Tokens
	sessions Store
	bus      Bus
	log      *slog.Logger
	workers  workers
	inbound  inboundBudget

	// Cache is a TTL cache shared by the server's pages (N2O's n2o:cache).
	Cache *Cache[string, any]

	startOnce sync.Once
	stop      chan struct{} // closed by Close
	stopped   sync.WaitGroup
	connMu    sync.Mutex
	conns     map[*Conn]struct{}
	closed    bool
	stats     counters
	protos    []protoCount // by chain index, then the messages no protocol took (stats.go)
	names     []string     // the protocols' names, likewise
	onRotate  atomic.Pointer[func(*Context)]
	onHandled atomic.Pointer[func(Handled)]
	clock     atomic.Int64 // unix nanoseconds, moved every clockTick
}

type counters struct {
	conns, opened, badFrames, badPickles, panics, slow atomic.Int64
	closes                                             [closeReasons]atomic.Int64 // by Conn.why
	transports                                         map[string]*TransportStats // guarded by connMu
	frameLog, pickleLog                                RateLog                    // what peers cause at will: a line a second
	broadcastIDs                                       atomic.Uint64
}

// Stats counts what a server has done.
type Stats struct {
	Connections int64 // open now
	Opened      int64 // ever opened
	Messages    int64 // frames and deliveries run through the chain: the sum of Protocols' In
	BadFrames   int64 // binary frames that were not BERT
	BadPickles  int64 // postbacks refused: forged, expired, another session's
	Panics      int64 // handler panics recovered
	SlowClosed  int64 // connections closed as too far behind

	InboundBytes int64            // read from peers and not yet handled (InboundBytes bounds it)
	Closes       CloseStats       // connections ended, by why
	Transports   []TransportStats // connections by transport, by name
	Protocols    []ProtocolStats  // messages by protocol, in chain order, then "none"
}

// New returns a Server for cfg. It starts nothing. It fails when no
// pickle keys are given.
func New(cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, keys: cfg.Keys, sessions: cfg.Sessions, bus: cfg.Bus, chain: cfg.Protocols,
		conns: map[*Conn]struct{}{}, stop: make(chan struct{})}
	s.workers.queue = make(chan *Conn)
	if s.inbound.limit = cfg.InboundBytes; s.inbound.limit <= 0 {
		s.inbound.limit = 64 << 20
	}
	s.clock.Store(time.Now().UnixNano())
	s.log = s.Logger("nitro")
	if s.keys == nil {
		return nil, fmt.Errorf("%w: set Config.Keys (nitro/keys: Parse them from the environment, or LoadOrCreate a development key file)", ErrNoKeys)
	}
	s.tokens = &Tokens{Keys: s.keys, TTL: cfg.TokenTTL, Now: s.Now}
	if s.sessions == nil {
		s.sessions = &MemoryStore{Now: s.Now}
	}
	if s.bus == nil {
		s.bus = &MemoryBus{Logger: s.Logger("pubsub")}
	}
	if s.chain == nil {
		s.chain = DefaultProtocols()
	}
	s.names = protocolNames(s.chain)
	s.protos = make([]protoCount, len(s.names))
	s.stats.transports = map[string]*TransportStats{}
	s.Cache = &Cache[string, any]{Now: s.Now}
	return s, nil
}

// DefaultProtocols returns the loop's own chain: Heart, Nitro.
func DefaultProtocols() []Protocol { return []Protocol{Heart, Nitro} }

// Now is the server's one clock: Config.Now, else the system's time to
// within clockTick, which costs an atomic load rather than a system call.
func (s *Server) Now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Unix(0, s.clock.Load())
}

const clockTick = 50 * time.Millisecond

// Logger returns the logger of one of the server's components ("nitro",
// "ws", "ftp"...): Config.Logger with the attribute component=<name>.
func (s *Server) Logger(component string) *slog.Logger {
	if s.cfg.Logger != nil {
		return s.cfg.Logger.With("component", component)
	}
	return slog.Default().With("component", component)
}

// Runner is a protocol with work of its own in the background (a sweeper):
// the server runs it while it serves, and cancels ctx when it closes.
type Runner interface {
	Run(ctx context.Context)
}

// Run serves until ctx is done, then closes the server. It starts the
// server's background work (its clock, the sweepers of sessions, cache and
// workers, and each Runner of the chain), which the first connection
// would start otherwise, and Close stops.
func (s *Server) Run(ctx context.Context) error {
	s.start()
	select {
	case <-ctx.Done():
	case <-s.stop:
	}
	return s.Close()
}

func (s *Server) start() {
	s.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		for _, p := range s.chain {
			if r, ok := p.(Runner); ok {
				s.stopped.Go(func() { r.Run(ctx) })
			}
		}
		s.stopped.Go(func() {
			defer cancel()
			t := time.NewTicker(clockTick)
			defer t.Stop()
			ms, _ := s.sessions.(*MemoryStore)
			for tick := 1; ; tick++ {
				select {
				case <-s.stop:
					return
				case now := <-t.C:
					s.clock.Store(now.UnixNano())
				}
				if tick%int(workerSweep/clockTick) == 0 {
					s.workers.sweep()
				}
				if tick%int(time.Minute/clockTick) == 0 {
					s.Cache.Sweep()
					if ms != nil {
						ms.Sweep()
					}
				}
			}
		})
	})
}

// workerSweep is how long a worker may stay idle before it ends.
const workerSweep = 10 * time.Second

func (s *Server) inboxBytes() int {
	if s.cfg.InboxBytes > 0 {
		return s.cfg.InboxBytes
	}
	return 1 << 20
}

func (s *Server) sendQueue() int {
	if s.cfg.SendQueue > 0 {
		return s.cfg.SendQueue
	}
	return 256
}

func (s *Server) track(c *Conn) bool {
	name := transportName(c.t)
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	s.stats.conns.Add(1)
	s.stats.opened.Add(1)
	ts := s.stats.transports[name]
	if ts == nil {
		ts = &TransportStats{Name: name}
		s.stats.transports[name] = ts
	}
	ts.Connections++
	ts.Opened++
	return true
}

func (s *Server) untrack(c *Conn) {
	name := transportName(c.t)
	s.connMu.Lock()
	delete(s.conns, c)
	s.stats.transports[name].Connections--
	s.connMu.Unlock()
	s.stats.conns.Add(-1)
}

// Publish sends msg to every connection subscribed to topic. A term
// shaped as a broadcast's, {nitro_js, _}, is refused (ErrReservedTag): a
// page that republished what a client sent would otherwise run the
// client's JavaScript on every page of the topic.
func (s *Server) Publish(topic string, msg any) error {
	t, err := toTerm(msg)
	if err != nil {
		return err
	}
	if t.Is(broadcastTag, 2) {
		return ErrReservedTag
	}
	return s.bus.Publish(topic, t)
}

// ErrReservedTag is what Publish says of a message tagged as a broadcast.
var ErrReservedTag = errors.New("nitro: {nitro_js, _} is reserved for Broadcast")

// Bus returns the bus: Config.Bus, or the MemoryBus New made.
func (s *Server) Bus() Bus { return s.bus }

// Sessions returns the session store.
func (s *Server) Sessions() Store { return s.sessions }

// Authenticate returns the session of a token, and the token in force: the
// same token while it is valid, a new session's token otherwise. First
// paints over HTTP use it as init does.
func (s *Server) Authenticate(token string) (sid, tokenInForce string, fresh bool) {
	return s.tokens.Authenticate(token)
}

// Stats returns the server's counters.
func (s *Server) Stats() Stats {
	st := Stats{
		Connections:  s.stats.conns.Load(),
		Opened:       s.stats.opened.Load(),
		BadFrames:    s.stats.badFrames.Load(),
		BadPickles:   s.stats.badPickles.Load(),
		Panics:       s.stats.panics.Load(),
		SlowClosed:   s.stats.slow.Load(),
		InboundBytes: s.inbound.used.Load(),
		Closes:       s.closeStats(),
		Transports:   s.transportStats(),
		Protocols:    make([]ProtocolStats, len(s.protos)),
	}
	for i := range s.protos {
		p := ProtocolStats{Name: s.names[i], In: s.protos[i].in.Load(), Out: s.protos[i].out.Load()}
		st.Protocols[i] = p
		st.Messages += p.In
	}
	return st
}

// Close closes every connection (1001, going away), so their pages
// reconnect to another node or to the server's successor, and stops the
// background work. Connections opened after Close are refused.
func (s *Server) Close() error {
	s.connMu.Lock()
	if s.closed {
		s.connMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.stop)
	conns := make([]*Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.connMu.Unlock()
	for _, c := range conns {
		c.shut(CloseGoingAway, "server closing", closeShutdown)
	}
	s.stopped.Wait()
	return nil
}

// Closed reports whether Close was called: transports refuse new
// connections then.
func (s *Server) Closed() bool {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	return s.closed
}

// OnRotate sets what a connection's client is told to do when
// RotateSession gives it a new session: fn queues JavaScript on cx (whose
// Token is the new one), sent with the new token ahead of anything else.
// Package pages stores the token in the HttpOnly session cookie this way,
// which no script can write. The last call wins.
func (s *Server) OnRotate(fn func(cx *Context)) { s.onRotate.Store(&fn) }

// ErrClosed reports a server or connection that closed.
var ErrClosed = errors.New("nitro: closed")
