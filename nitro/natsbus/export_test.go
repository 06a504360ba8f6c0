package natsbus

import "time"

// SetNow sets the clock that the bus's rate-limited logs read.
func SetNow(b *Bus, now func() time.Time) { b.now = now }
