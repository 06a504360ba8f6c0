package livereload

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// mustStream connects to h's event stream and returns a function reading
// the next event as "name data".
func mustStream(tb testing.TB, h *Hub) func() string {
	tb.Helper()
	srv := httptest.NewServer(h)
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(func() { cancel(); srv.Close() })
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+h.Path(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		tb.Fatalf("Content-Type %q, want text/event-stream", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	lines := make(chan string)
	go func() {
		defer close(lines)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return func() string {
		var name, data string
		timeout := time.After(5 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					tb.Fatal("stream closed")
				}
				switch {
				case strings.HasPrefix(l, "event: "):
					name = l[len("event: "):]
				case strings.HasPrefix(l, "data: "):
					data = l[len("data: "):]
				case l == "" && name != "":
					return name + " " + data
				}
			case <-timeout:
				tb.Fatal("no event within 5s")
			}
		}
	}
}

func waitClients(tb testing.TB, h *Hub, n int) {
	tb.Helper()
	for i := 0; h.Clients() != n; i++ {
		if i > 500 {
			tb.Fatalf("%d clients, want %d", h.Clients(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestEvents(t *testing.T) {
	h := New()
	next := mustStream(t, h)
	waitClients(t, h, 1)
	h.Reload()
	if got, want := next(), "reload {}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	h.ReloadCSS()
	if got, want := next(), "css {}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	h.ShowError(BuildError{Title: "build failed", Problems: []Problem{{File: "main.go", Line: 3, Col: 1, Message: "syntax error"}}})
	want := `error {"title":"build failed","problems":[{"file":"main.go","line":3,"col":1,"message":"syntax error"}]}`
	if got := next(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// A page that connects while the error shows gets it at once.
	late := mustStream(t, h)
	if got := late(); got != want {
		t.Errorf("late client: got %q, want %q", got, want)
	}
	h.ClearError()
	if got, want := next(), "clear {}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestScript(t *testing.T) {
	h := &Hub{Prefix: "/dev/lr"}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/dev/lr.js", nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(rec.Body.String(), "EventSource") {
		t.Error("script does not open an EventSource")
	}
	if got, want := h.ScriptTag(), `<script src="/dev/lr.js" defer></script>`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "a.go", Line: 1, Col: 2, Message: "m"}, "a.go:1:2: m"},
		{Problem{File: "a.go", Line: 1, Message: "m"}, "a.go:1: m"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
