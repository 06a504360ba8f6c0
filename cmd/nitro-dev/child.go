package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// child is a running app.
type child struct {
	bin  string
	cmd  *exec.Cmd
	out  *prefixWriter
	done chan struct{} // closed when it has exited
	err  error         // its exit status, once done
}

// startChild starts bin with ADDR and PORT set from addr, and NITRO_DEV=1
// (its main may then serve its asset sources: package assets,
// Config.Source), its output forwarded to w a line at a time, prefixed
// with "[name] ". It runs in a process group of its own, so that stopping
// it stops what it started.
func startChild(bin string, args []string, addr, name string, w io.Writer) (*child, error) {
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "ADDR="+addr, "PORT="+port, "NITRO_DEV=1")
	out := &prefixWriter{w: w, prefix: "[" + name + "] "}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = time.Second // output pipes held by grandchildren
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{bin: bin, cmd: cmd, out: out, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		out.flush()
		close(c.done)
	}()
	return c, nil
}

func (c *child) alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// waitReady waits until addr accepts connections, or the child exits, or
// the timeout passes.
func (c *child) waitReady(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		conn, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-c.done:
			return fmt.Errorf("exited before listening on %s: %v\n%s", addr, c.err, c.out.tail())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not listening on %s after %v", addr, timeout)
		}
	}
}

// stop sends SIGTERM to the child's process group, and SIGKILL if it has
// not exited after timeout; it returns once the child has exited.
func (c *child) stop(timeout time.Duration) {
	if !c.alive() {
		return
	}
	terminate(c.cmd)
	select {
	case <-c.done:
	case <-time.After(timeout):
		kill(c.cmd)
		<-c.done
	}
}

// prefixWriter writes whole lines to w, each with a prefix, and keeps the
// last few for the overlay of an app that fails to start.
type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    []byte
	last   []string
}

const tailLines = 20

func (p *prefixWriter) line(l string) {
	io.WriteString(p.w, p.prefix+l+"\n")
	if len(p.last) == tailLines {
		p.last = p.last[1:]
	}
	p.last = append(p.last, l)
}

// tail is the last lines written.
func (p *prefixWriter) tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.last, "\n")
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		p.line(string(p.buf[:i]))
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		p.line(string(p.buf))
		p.buf = nil
	}
}
