package nitro

import (
	"sync/atomic"
	"time"
)

// workers runs connections' inboxes on a pool of goroutines. A goroutine
// started per message would begin with a small stack and grow it, copying
// it, on every message; pooled workers keep the stack they grew, while
// idle connections hold none of it (their reader parks with the small
// stack that reading needs). Workers idle through a whole sweep period
// end.
type workers struct {
	queue chan *conn // unbuffered: a send succeeds only to a waiting worker; nil means end
	idle  atomic.Int64
}

const workerSweep = 10 * time.Second

func newWorkers() *workers {
	return &workers{queue: make(chan *conn)}
}

// run has a worker drain c's inbox: an idle one if any waits, else a new one.
func (w *workers) run(c *conn) {
	select {
	case w.queue <- c:
	default:
		go w.loop(c)
	}
}

func (w *workers) loop(c *conn) {
	for c != nil {
		c.work()
		w.idle.Add(1)
		c = <-w.queue
		w.idle.Add(-1)
	}
}

// sweep ends the workers that stayed idle since the last sweep: as many
// as were idle then and still are now, so a busy pool keeps its workers.
func (w *workers) sweep(stop <-chan struct{}) {
	var before int64
	every(stop, workerSweep, func() {
		for n := min(before, w.idle.Load()); n > 0; n-- {
			select {
			case w.queue <- nil:
			default:
				n = 0
			}
		}
		before = w.idle.Load()
	})
}
