package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// child is the server under test, in a process of its own.
type child struct {
	cmd  *exec.Cmd // nil for a server the tool did not start
	addr string
	pid  int // 0: unknown, no CPU figures
}

// serverProfile, when set, makes the server write a CPU profile there.
var serverProfile string

func startServer() (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "-addr", "127.0.0.1:0"}
	if serverProfile != "" {
		args = append(args, "-cpuprofile", serverProfile)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("server did not start: %v", err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "listening "))
	if err := loopbackOnly(addr); err != nil {
		cmd.Process.Kill()
		return nil, err
	}
	return &child{cmd: cmd, addr: addr, pid: cmd.Process.Pid}, nil
}

func (c *child) stop() {
	if c.cmd == nil {
		return
	}
	c.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
	}
}

// loopbackOnly refuses any target but this machine's loopback.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return errors.New("refusing a non-loopback target: " + addr)
	}
	return nil
}

// cpu returns the process's user+system CPU time, from /proc.
func (c *child) cpu() (time.Duration, error) {
	if c.pid == 0 {
		return 0, errors.New("no server pid")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command name (which may hold spaces) start at ')'.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const hz = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / hz, nil
}

// rss returns the process's resident memory in bytes, from /proc.
func (c *child) rss() (int64, error) {
	if c.pid == 0 {
		return 0, errors.New("no server pid")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS")
}

// mem asks the server for its Go memory statistics.
func (c *child) mem(gc bool) (memReport, error) {
	var m memReport
	if c.cmd == nil {
		return m, errors.New("not the built-in server")
	}
	url := "http://" + c.addr + "/debug/mem"
	if gc {
		url += "?gc=1"
	}
	resp, err := http.Get(url)
	if err != nil {
		return m, err
	}
	defer resp.Body.Close()
	return m, json.NewDecoder(resp.Body).Decode(&m)
}

// fetch saves what the server serves at path to file.
func (c *child) fetch(path, file string) error {
	resp, err := http.Get("http://" + c.addr + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}
