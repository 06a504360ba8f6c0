//go:build !unix

package nitro

// tryWrite cannot write without waiting here: broadcasts go through the
// workers (see trywrite_unix.go).
func (c *conn) tryWrite(b []byte) (n int, ok bool) { return 0, false }
