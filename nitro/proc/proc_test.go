package proc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrogo/framework/internal/testlog"
)

// quietSupervisor restarts fast and logs into buf.
func quietSupervisor(buf *testlog.Buffer) *Supervisor {
	return &Supervisor{
		Logger:     slog.New(testlog.Handler(buf, slog.LevelDebug)),
		MinBackoff: time.Millisecond,
		MaxBackoff: 50 * time.Millisecond,
	}
}

func mustStart(tb testing.TB, s *Supervisor, name string, fn Func) {
	tb.Helper()
	if err := s.Start(name, fn); err != nil {
		tb.Fatalf("Start(%q): %v", name, err)
	}
}

func recvWithin[T any](tb testing.TB, ch <-chan T) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		tb.Fatal("timed out")
		panic("unreachable")
	}
}

// echo replies to requests and forwards other messages to out; it
// panics on "panic" and fails on "fail".
func echo(out chan<- any) Func {
	return func(ctx context.Context, inbox <-chan any) error {
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case m := <-inbox:
				switch m {
				case "panic":
					panic("boom")
				case "fail":
					return errors.New("failed")
				case "quit":
					return nil
				}
				if req, ok := m.(*Request); ok {
					req.Reply(fmt.Sprint("re: ", req.Msg))
					continue
				}
				out <- m
			}
		}
	}
}

func TestSupervisorRestart(t *testing.T) {
	tests := []struct {
		crash   string
		wantLog []string
	}{
		{"panic", []string{`level=ERROR msg="proc: process panicked" proc=p panic=boom stack=`, "proc_test.go"}},
		{"fail", []string{`level=ERROR msg="proc: process failed" proc=p err=failed restart_in=1ms`}},
	}
	for _, tt := range tests {
		t.Run(tt.crash, func(t *testing.T) {
			var buf testlog.Buffer
			s := quietSupervisor(&buf)
			defer s.StopAll()
			out := make(chan any, 4)
			gate := make(chan struct{})
			mustStart(t, s, "p", func(ctx context.Context, inbox <-chan any) error {
				<-gate // first run: wait until both messages are queued
				return echo(out)(ctx, inbox)
			})
			for _, m := range []any{tt.crash, "next"} {
				if err := s.Send("p", m); err != nil {
					t.Fatalf("Send: %v", err)
				}
			}
			close(gate)
			if got := recvWithin(t, out); got != "next" {
				t.Errorf("after restart got %v, want next (mailbox kept)", got)
			}
			log := buf.String()
			for _, w := range tt.wantLog {
				if !strings.Contains(log, w) {
					t.Errorf("log lacks %q:\n%s", w, log)
				}
			}
			if got := s.List(); len(got) != 1 || got[0] != "p" {
				t.Errorf("List = %q, want [p]", got)
			}
		})
	}
}

func TestProcBackoffNext(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		min, max time.Duration
		ran      []time.Duration
		want     []time.Duration
	}{
		{"defaults", 0, 0, []time.Duration{0, 0, 0}, []time.Duration{100 * ms, 200 * ms, 400 * ms}},
		{"doubles to max", ms, 5 * ms, []time.Duration{0, 0, 0, 0, 0}, []time.Duration{ms, 2 * ms, 4 * ms, 5 * ms, 5 * ms}},
		{"long run resets", ms, 5 * ms, []time.Duration{0, 0, 0, 6 * ms, 0}, []time.Duration{ms, 2 * ms, 4 * ms, ms, 2 * ms}},
		{"run of exactly max does not reset", ms, 5 * ms, []time.Duration{0, 5 * ms}, []time.Duration{ms, 2 * ms}},
		{"max below min", 10 * ms, 5 * ms, []time.Duration{0, 0}, []time.Duration{10 * ms, 10 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := backoff{min: tt.min, max: tt.max}
			for i, ran := range tt.ran {
				if got := b.next(ran); got != tt.want[i] {
					t.Errorf("crash %d: wait %v, want %v", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestSupervisorBackoffDoubles(t *testing.T) {
	const minWait = 5 * time.Millisecond
	var buf testlog.Buffer
	s := &Supervisor{Logger: slog.New(testlog.Handler(&buf, slog.LevelDebug)), MinBackoff: minWait, MaxBackoff: time.Second}
	var starts []time.Time // written only by the proc's goroutine, read after it ends
	ended := make(chan struct{})
	mustStart(t, s, "crashy", func(ctx context.Context, inbox <-chan any) error {
		starts = append(starts, time.Now())
		if len(starts) == 5 {
			close(ended)
			return nil
		}
		return errors.New("again")
	})
	recvWithin(t, ended)
	for i := 1; i < len(starts); i++ {
		gap, want := starts[i].Sub(starts[i-1]), minWait<<(i-1)
		if gap < want {
			t.Errorf("restart %d after %v, want at least %v", i, gap, want)
		}
	}
	if n := strings.Count(buf.String(), "restart_in="); n != 4 {
		t.Errorf("logged %d crashes, want 4", n)
	}
}

func TestSupervisorNormalExit(t *testing.T) {
	var buf testlog.Buffer
	s := quietSupervisor(&buf)
	out := make(chan any, 1)
	mustStart(t, s, "p", echo(out))
	s.Send("p", "quit")
	deadline := time.Now().Add(5 * time.Second)
	for len(s.List()) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("process that returned nil is still listed")
		}
		time.Sleep(time.Millisecond)
	}
	if err := s.Send("p", "x"); !errors.Is(err, ErrNoProc) {
		t.Errorf("Send after exit: %v, want ErrNoProc", err)
	}
	mustStart(t, s, "p", echo(out)) // the name is free again
	s.StopAll()
	if buf.String() != "" {
		t.Errorf("a normal exit logged:\n%s", buf.String())
	}
}

func TestSupervisorErrors(t *testing.T) {
	var s Supervisor // zero value
	s.Mailbox = 1
	block := make(chan struct{})
	defer s.StopAll()
	defer close(block) // runs first, so the process can end
	mustStart(t, &s, "stuck", func(ctx context.Context, inbox <-chan any) error {
		<-block
		return nil
	})
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"start twice", s.Start("stuck", echo(nil)), ErrProcExists},
		{"send to missing", s.Send("missing", 1), ErrNoProc},
		{"send fills mailbox", s.Send("stuck", 1), nil},
		{"send to full mailbox", s.Send("stuck", 2), ErrMailboxFull},
		{"stop missing", s.Stop("missing"), ErrNoProc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !errors.Is(tt.err, tt.want) {
				t.Errorf("err = %v, want %v", tt.err, tt.want)
			}
		})
	}
	if _, err := s.Call(context.Background(), "missing", 1); !errors.Is(err, ErrNoProc) {
		t.Errorf("Call to missing: %v, want ErrNoProc", err)
	}
}

func TestSupervisorStopWaits(t *testing.T) {
	var s Supervisor
	var exited atomic.Bool
	mustStart(t, &s, "slow", func(ctx context.Context, inbox <-chan any) error {
		<-ctx.Done()
		time.Sleep(20 * time.Millisecond)
		exited.Store(true)
		return ctx.Err()
	})
	if err := s.Stop("slow"); err != nil {
		t.Fatal(err)
	}
	if !exited.Load() {
		t.Error("Stop returned before the process did")
	}
	if got := s.List(); len(got) != 0 {
		t.Errorf("List after Stop = %q, want []", got)
	}
}

func TestSupervisorStopAll(t *testing.T) {
	var s Supervisor
	var running sync.WaitGroup
	var live atomic.Int32
	names := []string{"c", "a", "b"}
	for _, name := range names {
		running.Add(1)
		mustStart(t, &s, name, func(ctx context.Context, inbox <-chan any) error {
			live.Add(1)
			running.Done()
			<-ctx.Done()
			live.Add(-1)
			return nil
		})
	}
	running.Wait()
	if got := strings.Join(s.List(), ","); got != "a,b,c" {
		t.Errorf("List = %q, want a,b,c", got)
	}
	s.StopAll()
	if n := live.Load(); n != 0 {
		t.Errorf("%d processes still running after StopAll", n)
	}
	if got := s.List(); len(got) != 0 {
		t.Errorf("List after StopAll = %q, want []", got)
	}
}

func TestSupervisorCall(t *testing.T) {
	var buf testlog.Buffer
	s := quietSupervisor(&buf)
	defer s.StopAll()
	mustStart(t, s, "echo", echo(make(chan any, 1)))
	mustStart(t, s, "mute", func(ctx context.Context, inbox <-chan any) error {
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-inbox: // never replies
			}
		}
	})
	mustStart(t, s, "quitter", func(ctx context.Context, inbox <-chan any) error {
		<-inbox
		return nil // ends without replying
	})

	v, err := s.Call(context.Background(), "echo", "hi")
	if err != nil || v != "re: hi" {
		t.Errorf("Call = %v, %v; want \"re: hi\", nil", v, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := s.Call(ctx, "mute", "hi"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Call to mute: %v, want DeadlineExceeded", err)
	}

	if _, err := s.Call(context.Background(), "quitter", "hi"); !errors.Is(err, ErrNoProc) {
		t.Errorf("Call to a process that ends: %v, want ErrNoProc", err)
	}
}

func TestProcRequestReplyOnce(t *testing.T) {
	r := &Request{reply: make(chan any, 1)}
	r.Reply(1)
	r.Reply(2) // must not block
	if got := <-r.reply; got != 1 {
		t.Errorf("reply = %v, want 1", got)
	}
}
