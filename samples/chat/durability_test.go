package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestKilledRightAfterAckKeepsMessage runs the sample as a process, sends
// a message until the sender's own push arrives (its acknowledgement),
// kills the process with SIGKILL at once, starts it again on the same
// data directory and finds the message in the first paint of the room.
func TestKilledRightAfterAckKeepsMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the sample as a process")
	}
	dir := t.TempDir()
	bin := mustBuild(t, dir)
	data := dir + "/data"
	p := mustStart(t, bin, data)
	c, err := wsEnter(p.addr, "ann", "vault")
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	var last string
	for i := range n {
		last = "durable message " + string(rune('A'+i))
		if err := c.postback("send", "message", last); err != nil {
			t.Fatal(err)
		}
		if _, err := c.waitJS(last, 10*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	p.kill() // SIGKILL right after the last acknowledgement
	c.Close()

	p2 := mustStart(t, bin, data)
	lc, err := wsEnter(p2.addr, "bob", "vault") // another user reads the room
	if err != nil {
		t.Fatal(err)
	}
	lc.Close()
	req, _ := http.NewRequest("GET", "http://"+p2.addr+"/room?room=vault", nil)
	req.AddCookie(&http.Cookie{Name: "X-Auth-Token", Value: lc.token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for i := range n {
		if want := "durable message " + string(rune('A'+i)); !strings.Contains(string(body), want) {
			t.Errorf("after kill -9 the first paint lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("first paint: %s", body)
	}
}
