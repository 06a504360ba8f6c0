package livereload

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultPath is where a Hub serves its event stream when Hub.Prefix is
// empty; the script is at DefaultPath + ".js".
const DefaultPath = "/_nitro/livereload"

//go:embed livereload.js
var script string

// Problem is one located build error, as "file:line:col: message".
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Col > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", p.File, p.Line, p.Col, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// BuildError is what the overlay shows: a title, the located problems, and
// the tool's output for whatever could not be parsed into problems.
type BuildError struct {
	Title    string    `json:"title"`
	Problems []Problem `json:"problems,omitempty"`
	Output   string    `json:"output,omitempty"`
}

// event is one server-sent event.
type event struct {
	name, data string
}

// Hub broadcasts reload, CSS and error events to the connected browsers.
// Its zero value is ready to use; New is a convenience.
type Hub struct {
	// Prefix is the path of the event stream; the script is served at
	// Prefix + ".js". Empty means DefaultPath. Set it before use.
	Prefix string
	// Heartbeat is how often an idle stream sends a comment, so that
	// proxies keep it open. Zero means 15 seconds.
	Heartbeat time.Duration

	mu      sync.Mutex
	clients map[chan event]struct{}
	err     *event // the error shown, sent to each new client
}

// New returns a Hub serving at DefaultPath.
func New() *Hub { return &Hub{} }

// Path is the path of the event stream.
func (h *Hub) Path() string {
	if h.Prefix == "" {
		return DefaultPath
	}
	return h.Prefix
}

// ScriptTag is the <script> element to put into HTML pages.
func (h *Hub) ScriptTag() string {
	return `<script src="` + h.Path() + `.js" defer></script>`
}

// Script is the browser script; it finds the stream at the path of its
// own src, without ".js".
func Script() string { return script }

// Handler serves the event stream at Path and the script at Path + ".js".
// The Hub itself is that handler.
func (h *Hub) Handler() http.Handler { return h }

// ServeHTTP serves the script for a path ending in ".js" and the event
// stream otherwise.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, ".js") {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, script)
		return
	}
	h.serveEvents(w, r)
}

func (h *Hub) serveEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	c := make(chan event, 16)
	h.mu.Lock()
	if h.clients == nil {
		h.clients = map[chan event]struct{}{}
	}
	h.clients[c] = struct{}{}
	if h.err != nil {
		c <- *h.err
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.clients, c)
		h.mu.Unlock()
	}()

	fmt.Fprint(w, "retry: 300\n: hello\n\n")
	if rc.Flush() != nil {
		return
	}
	beat := h.Heartbeat
	if beat <= 0 {
		beat = 15 * time.Second
	}
	tick := time.NewTicker(beat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
			fmt.Fprint(w, ": beat\n\n")
		case e := <-c:
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, e.data)
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// Clients is the number of connected browsers.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// broadcast queues e to every client, dropping it for a client whose
// queue is full.
func (h *Hub) broadcast(e event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c <- e:
		default:
		}
	}
}

// Reload reloads every connected page. It also clears a shown error: a
// reload follows a good build.
func (h *Hub) Reload() {
	h.mu.Lock()
	h.err = nil
	h.mu.Unlock()
	h.broadcast(event{"reload", "{}"})
}

// ReloadCSS makes every page re-fetch its stylesheets, without a reload.
func (h *Hub) ReloadCSS() { h.broadcast(event{"css", "{}"}) }

// ShowError shows e as an overlay on every page, including pages that
// connect later, until ClearError or Reload.
func (h *Hub) ShowError(e BuildError) {
	b, _ := json.Marshal(e) // cannot fail: strings and ints
	ev := event{"error", string(b)}
	h.mu.Lock()
	h.err = &ev
	h.mu.Unlock()
	h.broadcast(ev)
}

// ClearError hides the overlay.
func (h *Hub) ClearError() {
	h.mu.Lock()
	h.err = nil
	h.mu.Unlock()
	h.broadcast(event{"clear", "{}"})
}
