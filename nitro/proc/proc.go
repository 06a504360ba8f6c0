package proc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/nitrogo/framework/nitro"
)

// Errors returned by Supervisor.
var (
	ErrProcExists  = errors.New("proc: process already running")
	ErrNoProc      = errors.New("proc: no such process")
	ErrMailboxFull = errors.New("proc: mailbox full")
	// ErrClosed is nitro.ErrClosed: the supervisor, or the connection
	// it belongs to, closed.
	ErrClosed = nitro.ErrClosed
)

// Func is the body of a supervised process: N2O's n2o_pi proc. It
// reads its messages from inbox until ctx is done. Returning nil ends the
// process; returning an error or panicking restarts it.
type Func func(ctx context.Context, inbox <-chan any) error

// Request is what Call puts in a process's inbox. The process answers with
// Reply.
type Request struct {
	Msg   any
	reply chan any // buffered 1
}

// Reply sends v to the caller. Only the first reply counts, and Reply never
// blocks, even if the caller has given up.
func (r *Request) Reply(v any) {
	select {
	case r.reply <- v:
	default:
	}
}

// Supervisor runs named goroutines with mailboxes and restarts those that
// crash, as N2O's n2o_pi under an OTP supervisor with restart=transient:
// a panic or a non-nil error restarts the process after a backoff; a nil
// return, or Stop, ends it.
//
// The zero value is ready to use. A Supervisor is safe for concurrent use
// and must not be copied after first use.
type Supervisor struct {
	// Logger receives a line at Error level for every crash. Nil means
	// slog.Default().
	Logger *slog.Logger
	// MinBackoff is the wait before the first restart; it doubles with
	// each consecutive crash up to MaxBackoff. A run that lasted longer
	// than MaxBackoff resets it. Zero means 100ms and 10s.
	MinBackoff, MaxBackoff time.Duration
	// Mailbox is the capacity of each process's inbox. Zero means 64.
	Mailbox int

	mu     sync.Mutex
	procs  map[string]*proc
	closed bool
}

type proc struct {
	inbox  chan any // kept across restarts, so no message is lost to one
	cancel context.CancelFunc
	done   chan struct{} // closed when the process has ended for good
}

func (s *Supervisor) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Start runs fn as the process name. It returns ErrProcExists if a process
// of that name is running.
func (s *Supervisor) Start(name string, fn Func) error {
	size := s.Mailbox
	if size <= 0 {
		size = 64
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if _, ok := s.procs[name]; ok {
		return fmt.Errorf("%w: %q", ErrProcExists, name)
	}
	if s.procs == nil {
		s.procs = make(map[string]*proc)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &proc{inbox: make(chan any, size), cancel: cancel, done: make(chan struct{})}
	s.procs[name] = p
	go s.supervise(ctx, name, p, fn)
	return nil
}

// supervise runs fn until it ends normally or ctx is cancelled,
// restarting it after each crash.
func (s *Supervisor) supervise(ctx context.Context, name string, p *proc, fn Func) {
	defer close(p.done)
	defer s.remove(name, p) // before done is closed, so Stop then Start works
	defer p.cancel()
	b := backoff{min: s.MinBackoff, max: s.MaxBackoff}
	for {
		start := time.Now()
		err := runProc(ctx, fn, p.inbox)
		pe, panicked := err.(*procPanic)
		if ctx.Err() != nil { // stopped: an error is expected, a panic is not
			if panicked {
				s.logger().Error("proc: process panicked while stopping", "proc", name, "panic", pe.value, "stack", string(pe.stack))
			}
			return
		}
		if err == nil {
			return
		}
		wait := b.next(time.Since(start))
		if panicked {
			s.logger().Error("proc: process panicked", "proc", name, "panic", pe.value, "stack", string(pe.stack), "restart_in", wait)
		} else {
			s.logger().Error("proc: process failed", "proc", name, "err", err, "restart_in", wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

func (s *Supervisor) remove(name string, p *proc) {
	s.mu.Lock()
	if s.procs[name] == p {
		delete(s.procs, name)
	}
	s.mu.Unlock()
}

type procPanic struct {
	value any
	stack []byte
}

func (p *procPanic) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// runProc runs fn once, turning a panic into an error.
func runProc(ctx context.Context, fn Func, inbox <-chan any) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &procPanic{value: v, stack: debug.Stack()}
		}
	}()
	return fn(ctx, inbox)
}

// backoff computes the waits between restarts.
type backoff struct {
	min, max time.Duration
	cur      time.Duration // the last wait; zero before the first crash
}

// next returns how long to wait after a run that lasted ran.
func (b *backoff) next(ran time.Duration) time.Duration {
	lo, hi := b.min, b.max
	if lo <= 0 {
		lo = 100 * time.Millisecond
	}
	if hi <= 0 {
		hi = 10 * time.Second
	}
	hi = max(hi, lo)
	switch {
	case b.cur == 0 || ran > hi:
		b.cur = lo
	default:
		b.cur = min(2*b.cur, hi)
	}
	return b.cur
}

func (s *Supervisor) lookup(name string) (*proc, error) {
	s.mu.Lock()
	p := s.procs[name]
	s.mu.Unlock()
	if p == nil {
		return nil, fmt.Errorf("%w: %q", ErrNoProc, name)
	}
	return p, nil
}

// Send puts msg in the inbox of process name without waiting. It returns
// ErrNoProc if there is no such process and ErrMailboxFull if its inbox
// is full.
func (s *Supervisor) Send(name string, msg any) error {
	p, err := s.lookup(name)
	if err != nil {
		return err
	}
	select {
	case p.inbox <- msg:
		return nil
	default:
		return fmt.Errorf("%w: %q", ErrMailboxFull, name)
	}
}

// Call sends a *Request holding msg to process name and waits for its
// Reply, for ctx to be done, or for the process to end. A request that a
// crash interrupts is never answered, so give ctx a deadline (N2O uses 5 s).
// Unlike Send, Call waits for room in a full inbox.
func (s *Supervisor) Call(ctx context.Context, name string, msg any) (any, error) {
	p, err := s.lookup(name)
	if err != nil {
		return nil, err
	}
	req := &Request{Msg: msg, reply: make(chan any, 1)}
	select {
	case p.inbox <- req:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.done:
		return nil, fmt.Errorf("%w: %q", ErrNoProc, name)
	}
	select {
	case v := <-req.reply:
		return v, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-p.done:
		select { // it may have replied just before ending
		case v := <-req.reply:
			return v, nil
		default:
		}
		return nil, fmt.Errorf("%w: %q", ErrNoProc, name)
	}
}

// Stop cancels the context of process name and waits for it to return.
func (s *Supervisor) Stop(name string) error {
	p, err := s.lookup(name)
	if err != nil {
		return err
	}
	p.cancel()
	<-p.done
	return nil
}

// StopAll stops every process and waits for all of them. A connection
// calls it when it closes.
func (s *Supervisor) StopAll() {
	s.mu.Lock()
	ps := make([]*proc, 0, len(s.procs))
	for _, p := range s.procs {
		ps = append(ps, p)
	}
	s.mu.Unlock()
	for _, p := range ps {
		p.cancel() // all at once, so they wind down in parallel
	}
	for _, p := range ps {
		<-p.done
	}
}

// Close stops every process, as StopAll, and refuses to start any after.
func (s *Supervisor) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.StopAll()
}

// List returns the names of the running processes, sorted.
func (s *Supervisor) List() []string {
	s.mu.Lock()
	names := make([]string, 0, len(s.procs))
	for name := range s.procs {
		names = append(names, name)
	}
	s.mu.Unlock()
	slices.Sort(names)
	return names
}
