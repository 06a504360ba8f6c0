//go:build unix

package main

import (
	"syscall"
	"time"
)

// raiseFileLimit lifts the soft limit on open files to the hard one, and
// the hard one to need when the process may (with CAP_SYS_RESOURCE); it
// returns the limit in force.
func raiseFileLimit(need int) int {
	var lim syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim) != nil {
		return 0
	}
	if uint64(need) > lim.Max {
		up := syscall.Rlimit{Cur: uint64(need), Max: uint64(need)}
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &up) == nil {
			return need
		}
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	return int(min(lim.Cur, 1<<30))
}

// fileLimit is the soft limit on open files in force.
func fileLimit() uint64 {
	var lim syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	return lim.Cur
}

// selfCPU returns the load tool's own CPU time (user + system), so that a
// reader can tell whether the tool, not the server, was the bottleneck.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
