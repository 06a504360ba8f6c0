package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// mustRun starts the sample on free ports and returns the echo and chat
// addresses; it stops when the test ends.
func mustRun(t *testing.T) (echo, chat string) {
	t.Helper()
	echoLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	chatLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, echoLn, chatLn, io.Discard) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return echoLn.Addr().String(), chatLn.Addr().String()
}

// nc is netcat: it writes lines and reads them.
type nc struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dial(t *testing.T, addr string) *nc {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &nc{t: t, c: c, r: bufio.NewReader(c)}
}

// say types a line and checks the lines that come back.
func (n *nc) say(line string, want ...string) {
	n.t.Helper()
	if line != "" {
		if _, err := io.WriteString(n.c, line+"\n"); err != nil {
			n.t.Fatal(err)
		}
	}
	for _, w := range want {
		got, err := n.r.ReadString('\n')
		if err != nil {
			n.t.Fatalf("after %q: %v", line, err)
		}
		if got = strings.TrimSuffix(got, "\n"); got != w {
			n.t.Fatalf("after %q: got %q, want %q", line, got, w)
		}
	}
}

func TestEcho(t *testing.T) {
	echo, _ := mustRun(t)
	a, b := dial(t, echo), dial(t, echo)
	a.say("hello", "hello")
	b.say("hello from b", "hello from b")
	a.say("and again\r", "and again")
}

func TestChat(t *testing.T) {
	_, chat := mustRun(t)
	const welcome = "welcome: JOIN room, NAME name, SAY text, LEAVE"
	ann, bob, eve := dial(t, chat), dial(t, chat), dial(t, chat)
	ann.say("", welcome)
	bob.say("", welcome)
	eve.say("", welcome)
	ann.say("SAY hi", "error: JOIN a room first")
	ann.say("NAME ann", "you are ann")
	bob.say("NAME bob", "you are bob")
	ann.say("JOIN lobby", "joined lobby")
	bob.say("JOIN lobby", "joined lobby")
	eve.say("JOIN attic", "joined attic")
	ann.say("SAY hello bob", "ann: hello bob")
	bob.say("", "ann: hello bob")
	bob.say("SAY hi ann", "bob: hi ann")
	ann.say("", "bob: hi ann")
	eve.say("NAME eve", "you are eve")
	eve.say("SAY anyone?", "eve: anyone?")
	ann.say("PING", "PONG") // and not eve's post: another room
	bob.say("LEAVE", "left lobby")
	ann.say("SAY bye", "ann: bye")
	bob.say("PING", "PONG")
}
