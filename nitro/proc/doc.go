// Package proc runs supervised processes for Nitro, as N2O's n2o_pi: named
// goroutines with mailboxes, restarted after a crash with a backoff, and
// stopped on demand.
//
// A Supervisor runs processes of the whole application; Spawn runs one
// bound to a page's connection, stopped when the connection closes, that
// reports back to its page through the Context's Self:
//
//	case nitro.Init:
//		self := cx.Self()
//		proc.Spawn(cx, "clock", func(ctx context.Context, inbox <-chan any) error {
//			t := time.NewTicker(time.Second)
//			defer t.Stop()
//			for {
//				select {
//				case <-ctx.Done():
//					return nil
//				case now := <-t.C:
//					self.Deliver("tick", bert.BinString(now.Format(time.TimeOnly)))
//				}
//			}
//		})
//	case nitro.Push: // a tick: show it
//
// # Concurrency
//
// A Supervisor is safe for concurrent use. Spawn and Send use the page's
// Context, so they belong to the page's goroutine, as the Context does.
package proc
