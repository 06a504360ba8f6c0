package proc_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	"github.com/nitrogo/framework/nitro/proc"
)

func TestPageProcessRestartedAfterPanic(t *testing.T) {
	var runs atomic.Int32
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case nitro.Init:
			self := cx.Self()
			proc.Spawn(cx, "counter", func(ctx context.Context, inbox <-chan any) error {
				runs.Add(1)
				for {
					select {
					case <-ctx.Done():
						return nil
					case m := <-inbox:
						if m == "crash" {
							panic("counter crashed")
						}
						self.Deliver("counter", bert.BinString(fmt.Sprint(m)))
					}
				}
			})
		case nitro.Direct:
			proc.Send(cx, "counter", e.Msg.Text())
		case nitro.Push:
			cx.Wire("count(" + e.Msg.Text() + ");")
		}
	})
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	c := srv.Dial("/")
	c.Init()
	c.Direct(bert.BinString("1"))
	if io := c.NextIO(); io.JS != "count(1);" {
		t.Fatalf("before the crash: got %q", io.JS)
	}
	c.Direct(bert.BinString("crash"))
	waitFor(t, func() bool { return runs.Load() == 2 })
	c.Direct(bert.BinString("2"))
	if io := c.NextIO(); io.JS != "count(2);" {
		t.Fatalf("after the restart: got %q", io.JS)
	}
}

// TestPageProcessesStopWithConnection: a page's processes are stopped,
// and waited for, before the page sees Exit; Spawn after that refuses.
func TestPageProcessesStopWithConnection(t *testing.T) {
	var stopped atomic.Bool
	exit := make(chan bool, 1)
	var spawnAfter chan error = make(chan error, 1)
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch ev.(type) {
		case nitro.Init:
			proc.Spawn(cx, "p", func(ctx context.Context, inbox <-chan any) error {
				<-ctx.Done()
				time.Sleep(10 * time.Millisecond) // stopping takes a while
				stopped.Store(true)
				return nil
			})
		case nitro.Exit:
			exit <- stopped.Load()
			spawnAfter <- proc.Spawn(cx, "q", func(ctx context.Context, inbox <-chan any) error { return nil })
		}
	})
	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
	c := srv.Dial("/")
	c.Init()
	c.Close()
	select {
	case ok := <-exit:
		if !ok {
			t.Error("the page saw Exit before its process had stopped")
		}
	case <-time.After(nitrotest.Timeout):
		t.Fatal("no Exit")
	}
	if err := <-spawnAfter; err != nitro.ErrClosed {
		t.Errorf("Spawn after close: %v, want nitro.ErrClosed", err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(nitrotest.Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(2 * time.Millisecond)
	}
}
