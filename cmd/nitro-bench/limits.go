package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Thousands of connections meet three limits: the tool's open files, the
// server's open files, and the ephemeral ports of one source address
// (about 28,000 on Linux). The first two are checked before the run and
// named when a dial fails; the third is avoided by dialing from more
// loopback addresses (all of 127.0.0.0/8 is this machine's).

// fileReserve is what a process holds besides its sockets: the standard
// files, the listener, the poller, a log.
const fileReserve = 64

// checkFiles says, before any connection is made, whether n more
// connections fit in the tool's open files and the server's.
func checkFiles(n int, srv *child) error {
	need := n + fileReserve
	if lim := raiseFileLimit(need); lim < need {
		return fmt.Errorf("the tool's open-file limit stops it: %d connections need about %d open files, "+
			"and this process may open %d (RLIMIT_NOFILE, hard limit; raising it needs CAP_SYS_RESOURCE: ulimit -Hn as root)", n, need, lim)
	}
	if srv.pid == 0 {
		return nil
	}
	lim, err1 := procFileLimit(srv.pid)
	open, err2 := procFiles(srv.pid)
	if err1 != nil || err2 != nil {
		return nil // not ours to read: the dials will tell
	}
	if open+n+16 > lim {
		return fmt.Errorf("the server's open-file limit stops it: the server (pid %d) has %d files open and may open %d, "+
			"so %d more connections do not fit (start it with a higher RLIMIT_NOFILE)", srv.pid, open, lim, n)
	}
	return nil
}

// dialError names the limit behind a failed dial of connection i, when
// it is one: the tool's files, the source ports, or the server's files.
func dialError(i int, err error, srv *child) error {
	switch {
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return fmt.Errorf("connection %d: the tool's open-file limit (%d) stops it: %w", i, fileLimit(), err)
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, errNoSourcePorts):
		return fmt.Errorf("connection %d: out of loopback source ports: %w", i, err)
	}
	if srv != nil && srv.pid != 0 {
		open, err1 := procFiles(srv.pid)
		max, err2 := procFileLimit(srv.pid)
		if err1 == nil && err2 == nil && open+fileReserve/2 >= max {
			return fmt.Errorf("connection %d: the server's open-file limit stops it (pid %d has %d of %d files open): %w", i, srv.pid, open, max, err)
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", srv.pid)); err != nil {
			return fmt.Errorf("connection %d: the server (pid %d) is gone: %w", i, srv.pid, err)
		}
	}
	return fmt.Errorf("connection %d: %w", i, err)
}

var errNoSourcePorts = errors.New("no more loopback source addresses for an IPv6 target: use 127.0.0.1 for this many connections")

// sourceDialer dials from one loopback source address after another, a
// block of perAddr dials from each, so that the tool can hold more
// connections than one address has ephemeral ports. The first block uses
// the system's choice (127.0.0.1 for a target on 127.0.0.1), so small runs
// dial as any client does.
type sourceDialer struct {
	perAddr int64
	dials   atomic.Int64
	net.Dialer
}

func newSourceDialer() *sourceDialer {
	return &sourceDialer{perAddr: portsPerAddr(), Dialer: net.Dialer{Timeout: 10 * time.Second}}
}

// portsPerAddr is how many dials one source address takes: half its
// ephemeral ports, leaving room for sockets in TIME_WAIT and for what
// else runs on the machine.
func portsPerAddr() int64 {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if f := strings.Fields(string(b)); err == nil && len(f) == 2 {
		lo, err1 := strconv.Atoi(f[0])
		hi, err2 := strconv.Atoi(f[1])
		if err1 == nil && err2 == nil && hi > lo {
			return int64(hi-lo+1) / 2
		}
	}
	return 14000
}

// DialContext dials addr from the source address of this dial's block.
func (d *sourceDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	block := (d.dials.Add(1) - 1) / d.perAddr
	if block == 0 {
		return d.Dialer.DialContext(ctx, network, addr)
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(host).To4()
	if ip == nil || block > 250 {
		return nil, errNoSourcePorts
	}
	nd := d.Dialer
	nd.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(1+block))}
	return nd.DialContext(ctx, network, addr)
}
