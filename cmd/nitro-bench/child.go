package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// child is the server under test, always a process of its own, so that
// its CPU time and memory (from /proc) are the server's and not the
// load's. The tool may have started it (the built-in server, the chat
// sample) or not (-url).
type child struct {
	cmd     *exec.Cmd     // nil for a server the tool did not start
	addr    string        // host:port, loopback
	pid     int           // 0: unknown, no CPU or memory figures
	what    string        // for the report: "built-in", "chat sample", the URL
	builtin bool          // the tool's own server, which tells its Go memory statistics
	dir     string        // a directory the tool made for it, removed on stop
	exited  chan struct{} // closed when a server the tool started has exited
}

// start starts cmd as the server; one goroutine waits for its end.
func (c *child) start(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	c.cmd, c.pid, c.exited = cmd, cmd.Process.Pid, make(chan struct{})
	go func() { cmd.Wait(); close(c.exited) }()
	return nil
}

// startServer starts the built-in server (nitro-bench serve) and reads
// the address it listens on.
func startServer(profile string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "-addr", "127.0.0.1:0"}
	if profile != "" {
		args = append(args, "-cpuprofile", profile)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &child{what: "built-in", builtin: true}
	if err := c.start(cmd); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		c.kill()
		return nil, fmt.Errorf("the built-in server did not start: %v", err)
	}
	c.addr = strings.TrimSpace(strings.TrimPrefix(line, "listening "))
	if err := loopbackOnly(c.addr); err != nil {
		c.kill()
		return nil, err
	}
	return c, nil
}

// stop asks a server the tool started to end (so that it writes its
// profile), and kills it if it has not within 10 s.
func (c *child) stop() {
	defer c.cleanup()
	if c.exited == nil {
		return
	}
	c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
	}
}

// kill ends a server that failed to start.
func (c *child) kill() {
	defer c.cleanup()
	if c.exited != nil {
		c.cmd.Process.Kill()
		<-c.exited
	}
}

func (c *child) cleanup() {
	if c.dir != "" {
		os.RemoveAll(c.dir)
	}
}

// cpu returns the server's user+system CPU time.
func (c *child) cpu() (time.Duration, error) {
	if c.pid == 0 {
		return 0, errors.New("no server pid (give -pid)")
	}
	return procCPU(c.pid)
}

// rss returns the server's resident memory in bytes.
func (c *child) rss() (int64, error) {
	if c.pid == 0 {
		return 0, errors.New("no server pid (give -pid)")
	}
	return procRSS(c.pid)
}

// mem asks the built-in server for its Go memory statistics, after two
// collections if gc.
func (c *child) mem(gc bool) (memReport, error) {
	var m memReport
	if !c.builtin {
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

// fetch saves what the built-in server serves at path to file.
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
	_, err = io.Copy(f, resp.Body)
	return errors.Join(err, f.Close())
}
