package nitro

import "sync/atomic"

// workers runs connections' inboxes on a pool of goroutines. A goroutine
// started per message would grow its stack anew, copying it, on every
// message; pooled workers keep the stack they grew, while idle
// connections hold none of it. Workers idle through a whole sweep end.
type workers struct {
	queue chan *Conn // unbuffered: a send succeeds only to a waiting worker; nil means end
	idle  atomic.Int64
	last  int64 // idle at the last sweep; sweep only
}

// run has a worker drain c's inbox: an idle one if any waits, else a new one.
func (w *workers) run(c *Conn) {
	select {
	case w.queue <- c:
	default:
		go w.loop(c)
	}
}

func (w *workers) loop(c *Conn) {
	for c != nil {
		c.work()
		w.idle.Add(1)
		c = <-w.queue
		w.idle.Add(-1)
	}
}

// sweep ends the workers that stayed idle since the last sweep: as many
// as were idle then and still are now, so a busy pool keeps its workers.
func (w *workers) sweep() {
	for n := min(w.last, w.idle.Load()); n > 0; n-- {
		select {
		case w.queue <- nil:
		default:
			n = 0
		}
	}
	w.last = w.idle.Load()
}
