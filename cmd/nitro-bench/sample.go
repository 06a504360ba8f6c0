package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// samplePkg is the chat sample, built by the go command from the module
// the tool runs in.
const samplePkg = "github.com/nitrogo/framework/samples/chat"

// startSample builds samples/chat and starts it as browsers meet it: its
// own process, a fresh data directory (empty history), a free loopback
// port. The directory goes when the server stops.
func startSample(profile string) (*child, error) {
	dir, err := os.MkdirTemp("", "nitro-bench-chat-")
	if err != nil {
		return nil, err
	}
	c := &child{dir: dir, what: "chat sample"}
	bin := filepath.Join(dir, "chat")
	if out, err := exec.Command("go", "build", "-o", bin, samplePkg).CombinedOutput(); err != nil {
		c.cleanup()
		return nil, fmt.Errorf("building the chat sample (run the tool inside the module): %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.cleanup()
		return nil, err
	}
	c.addr = ln.Addr().String()
	ln.Close()
	// No rate limit and no cap per address: the load is many users' worth,
	// all from loopback.
	args := []string{"-addr", c.addr, "-data", filepath.Join(dir, "data"), "-rate", "0", "-per-ip", "0"}
	if profile != "" {
		args = append(args, "-cpuprofile", profile)
	}
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ADDR=") { // it would override -addr
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stderr = os.Stderr
	if err := c.start(cmd); err != nil {
		c.cleanup()
		return nil, err
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := http.Get("http://" + c.addr + "/login")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		select {
		case <-c.exited:
			c.cleanup()
			return nil, fmt.Errorf("the chat sample exited at start (its log is above)")
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			c.kill()
			return nil, fmt.Errorf("the chat sample did not serve /login within 20 s: %v", err)
		}
	}
}
