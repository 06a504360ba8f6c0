//go:build unix

package ws

import (
	"errors"
	"syscall"
)

// tryWrite makes one write(2) of b to the socket without waiting for it
// to be writable, and returns how much went. ok is false when the socket
// cannot be written this way or failed; would-block is n == 0 and ok.
//
// Go's net.Conn.Write waits until everything is written, which a
// publisher writing to many sockets must not do for a browser that does
// not read; the socket is non-blocking underneath, so one attempt either
// writes or says EAGAIN at once.
func tryWrite(rc syscall.RawConn, b []byte) (n int, ok bool) {
	if rc == nil {
		return 0, false
	}
	var werr error
	err := rc.Write(func(fd uintptr) bool {
		n, werr = syscall.Write(int(fd), b)
		return true // one attempt: do not wait for the socket
	})
	if errors.Is(werr, syscall.EAGAIN) || errors.Is(werr, syscall.EINTR) {
		return 0, true
	}
	if err != nil || werr != nil || n < 0 {
		return 0, false
	}
	return n, true
}
