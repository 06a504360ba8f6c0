//go:build !unix

package main

import "time"

// The tool measures on Linux (the server's figures come from /proc); on
// other systems it builds and runs, without the figures those give.

// raiseFileLimit says need fits: there is no RLIMIT_NOFILE to raise, and
// a dial that fails says why.
func raiseFileLimit(need int) int { return need }

// fileLimit is unknown here.
func fileLimit() uint64 { return 0 }

// selfCPU is unknown here: the report leaves the tool's CPU out.
func selfCPU() time.Duration { return 0 }
