//go:build !unix

package ws

import "syscall"

// tryWrite cannot write without waiting here: broadcasts go through the
// workers (see trywrite_unix.go).
func tryWrite(rc syscall.RawConn, b []byte) (n int, ok bool) { return 0, false }
