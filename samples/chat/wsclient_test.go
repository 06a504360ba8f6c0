package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro/bert"
)

// wsClient is a browser's socket to a chat that runs in another process:
// it speaks the wire protocol with gorilla/websocket, one frame at a
// time, with nothing running in the background.
type wsClient struct {
	ws      *websocket.Conn
	token   string
	pickles map[string]string
}

var pickleJS = regexp.MustCompile(`atom\('pickle'\),bin\(("(?:[^"\\]|\\.)*")\),bin\(['"]([A-Za-z0-9_-]+)['"]\)`)

// wsDial opens the socket of the page at path (with its query) on addr,
// in the session of token.
func wsDial(addr, path, token string) (*wsClient, error) {
	h := http.Header{}
	if token != "" {
		h.Set("Cookie", "X-Auth-Token="+token)
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	ws, _, err := d.Dial("ws://"+addr+"/ws"+path, h)
	if err != nil {
		return nil, err
	}
	return &wsClient{ws: ws, token: token, pickles: map[string]string{}}, nil
}

// init sends the init frame and returns the page's reply.
func (c *wsClient) init() (string, error) {
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte("N2O,"+c.token)); err != nil {
		return "", err
	}
	return c.readIO()
}

// readIO returns the JavaScript of the next io frame, remembering the
// token and the postbacks it carries.
func (c *wsClient) readIO() (string, error) {
	for {
		mt, data, err := c.ws.ReadMessage()
		if err != nil {
			return "", err
		}
		if mt != websocket.BinaryMessage || len(data) == 0 {
			continue
		}
		t, err := bert.Decode(data)
		if err != nil {
			return "", err
		}
		if !t.Is("io", 3) {
			continue
		}
		js := t.At(1).Text()
		if d := t.At(2); d.Is("Token", 2) {
			c.token = d.At(1).Text()
		}
		if strings.Contains(js, "pickle") {
			for _, m := range pickleJS.FindAllStringSubmatch(js, -1) {
				var id string
				if json.Unmarshal([]byte(m[1]), &id) == nil {
					c.pickles[id] = m[2]
				}
			}
		}
		return js, nil
	}
}

// waitJS reads io frames until one holds want.
func (c *wsClient) waitJS(want string, timeout time.Duration) (string, error) {
	c.ws.SetReadDeadline(time.Now().Add(timeout))
	defer c.ws.SetReadDeadline(time.Time{})
	for {
		js, err := c.readIO()
		if err != nil {
			return "", fmt.Errorf("waiting for %q: %w", want, err)
		}
		if strings.Contains(js, want) {
			return js, nil
		}
	}
}

// postback fires the postback wired on element id with the given source
// values (key, value, key, value...).
func (c *wsClient) postback(id string, kv ...string) error {
	p, ok := c.pickles[id]
	if !ok {
		return fmt.Errorf("no postback wired on #%s", id)
	}
	linked := []bert.Term{bert.Tuple(bert.Tuple(bert.BinString(id), bert.BinString("detail")), bert.Nil())}
	for i := 0; i+1 < len(kv); i += 2 {
		linked = append(linked, bert.Tuple(bert.Atom(kv[i]), bert.BinString(kv[i+1])))
	}
	msg := bert.Tuple(bert.Atom("pickle"), bert.BinString(id), bert.BinString(p), bert.List(linked...))
	return c.ws.WriteMessage(websocket.BinaryMessage, bert.Encode(msg))
}

func (c *wsClient) Close() error { return c.ws.Close() }

// wsEnter logs user into room and opens the room's page.
func wsEnter(addr, user, room string) (*wsClient, error) {
	lc, err := wsDial(addr, "/login", "")
	if err != nil {
		return nil, err
	}
	defer lc.Close()
	if _, err := lc.init(); err != nil {
		return nil, err
	}
	if err := lc.postback("loginButton", "user", user, "pass", room); err != nil {
		return nil, err
	}
	if _, err := lc.waitJS("window.location.assign", 10*time.Second); err != nil {
		return nil, err
	}
	c, err := wsDial(addr, "/room?room="+room, lc.token)
	if err != nil {
		return nil, err
	}
	js, err := c.init()
	if err != nil {
		c.Close()
		return nil, err
	}
	if !strings.Contains(js, "history") {
		c.Close()
		return nil, fmt.Errorf("entering %s: %.200s", room, js)
	}
	return c, nil
}

// mustBuild builds the sample into dir and returns the binary's path.
func mustBuild(tb testing.TB, dir string) string {
	tb.Helper()
	bin := filepath.Join(dir, "chat")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// child is the sample running as a process of its own.
type child struct {
	cmd  *exec.Cmd
	addr string
	log  *strings.Builder
}

// mustStart runs bin on data, on a free loopback port, and waits until it
// serves.
func mustStart(tb testing.TB, bin, data string, args ...string) *child {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &child{addr: addr, log: &strings.Builder{}}
	c.cmd = exec.Command(bin, append([]string{"-data", data}, args...)...)
	c.cmd.Env = append(os.Environ(), "ADDR="+addr)
	c.cmd.Stdout, c.cmd.Stderr = io.Discard, c.log
	if err := c.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.kill() })
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/login")
		if err == nil {
			resp.Body.Close()
			return c
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the chat did not start: %v\n%s", err, c.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for the process to end.
func (c *child) stop() {
	if c.cmd.ProcessState != nil {
		return
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	c.cmd.Wait()
}

// kill sends SIGKILL and reaps the process.
func (c *child) kill() {
	if c.cmd.ProcessState != nil {
		return
	}
	c.cmd.Process.Kill()
	err := c.cmd.Wait()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		fmt.Fprintln(os.Stderr, "chat child:", err)
	}
}
