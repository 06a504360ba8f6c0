// Package health answers the probes of load balancers and orchestrators:
// /healthz, the process is up; /readyz, what it needs answers (its store,
// its bus), so traffic may come. It imports the standard library only.
//
//	mux.HandleFunc("/healthz", health.Live)
//	mux.Handle("/readyz", &health.Ready{Checks: []health.Check{
//		{Name: "store", Func: func(ctx context.Context) error { return db.PingContext(ctx) }},
//	}})
//
// # Answers
//
// Both answer in plain text, never cached. Ready runs its checks at once,
// each within Ready.Timeout, and answers 503 with the name of each that
// failed or timed out: a probe needs no more, and why (a path, a host) is
// logged rather than told to whoever asks.
//
// # Concurrency
//
// Ready serves requests concurrently; a check must be safe for that. A
// check that ignores its context and never returns leaves its goroutine
// behind, but not the probe waiting.
package health
