package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// scrapeMetrics gets the metrics at url in the text format, by series:
// name{labels} as written.
func scrapeMetrics(tb testing.TB, url string) map[string]float64 {
	tb.Helper()
	code, body := mustGet(tb, url)
	if code != http.StatusOK {
		tb.Fatalf("GET %s: %d %s", url, code, body)
	}
	series := map[string]float64{}
	for sc := bufio.NewScanner(strings.NewReader(body)); sc.Scan(); {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			tb.Fatalf("%s: %q: %v", url, line, err)
		}
		series[line[:i]] = v
	}
	return series
}

func mustGet(tb testing.TB, url string) (int, string) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestMetricsAndHealth: a login and a message move the metrics; /healthz
// answers, and /readyz until the store is closed.
func TestMetricsAndHealth(t *testing.T) {
	app, s := mustApp(t, "")
	ms := httptest.NewServer(metricsHandler(app))
	defer ms.Close()
	before := scrapeMetrics(t, ms.URL)

	c, _ := mustEnter(t, s, "ann", "kitchen")
	say(t, c, "hello")
	waitJS(t, c, "hello")
	after := scrapeMetrics(t, ms.URL)
	for _, series := range []string{
		`nitro_connections_opened_total{transport="ws"}`,
		`nitro_messages_in_total{protocol="nitro"}`,
		`nitro_messages_out_total{protocol="nitro"}`,
		`nitro_message_handling_seconds_count{protocol="nitro"}`,
		`nitro_pubsub_published_total`,
		`nitro_pubsub_delivered_total`,
		`chat_store_fsync_seconds_count`,
	} {
		if after[series] <= before[series] {
			t.Errorf("%s: %v before, %v after a login and a message: want it moved", series, before[series], after[series])
		}
	}
	if got := after[`nitro_connections{transport="ws"}`]; got < 1 {
		t.Errorf("connections open: got %v, want the room's at least", got)
	}

	base := s.HTTP.URL
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := mustGet(t, base+path); code != http.StatusOK || body != "ok\n" {
			t.Errorf("%s: got %d %q, want 200 ok", path, code, body)
		}
	}
	if code, _ := mustGet(t, base+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the public address: got %d, want 404: it has a listener of its own", code)
	}
	app.Store.Close()
	if code, body := mustGet(t, base+"/readyz"); code != http.StatusServiceUnavailable || body != "store: failed\n" {
		t.Errorf("/readyz with the store closed: got %d %q, want 503 naming the store", code, body)
	}
	if code, _ := mustGet(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz with the store closed: got %d, want 200: the process is up", code)
	}
}

// TestMetricsFlag runs the sample with -metrics: the metrics are served
// on that address, /healthz and /readyz on the chat's.
func TestMetricsFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the sample as a process")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	maddr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	p := mustStart(t, mustBuild(t, dir), dir+"/data", "-metrics", maddr)
	c, err := wsEnter(p.addr, "ann", "kitchen")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	got := scrapeMetrics(t, "http://"+maddr+"/metrics")
	if got[`nitro_connections{transport="ws"}`] < 1 || got[`nitro_messages_in_total{protocol="nitro"}`] < 2 {
		t.Errorf("the room's socket is not counted: %v", got)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if code, body := mustGet(t, "http://"+p.addr+path); code != http.StatusOK || body != "ok\n" {
			t.Errorf("%s: got %d %q, want 200 ok", path, code, body)
		}
	}
}

// TestStorePing: what the store's readiness check says, open, stopped
// by a failed write, and closed.
func TestStorePing(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(s *BoltStore)
		want  func(error) bool
	}{
		{"open", func(*BoltStore) {}, func(err error) bool { return err == nil }},
		{"a failed write", func(s *BoltStore) {
			s.journals[0].f.Close() // the writer's file: its next write fails
			s.Append("kitchen", Message{Text: "lost"})
		}, func(err error) bool { return err != nil && strings.Contains(err.Error(), "writing the journal") }},
		{"closed", func(s *BoltStore) { s.Close() }, func(err error) bool { return errors.Is(err, ErrClosed) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t, filepath.Join(t.TempDir(), "chat.db"), 0)
			defer s.Close()
			tt.spoil(s)
			if err := s.Ping(); !tt.want(err) {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestMetricsLoopbackOnly(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:9100", true},
		{"[::1]:9100", true},
		{"localhost:9100", true},
		{":9100", false}, // every address
		{"0.0.0.0:9100", false},
		{"192.0.2.1:9100", false},
		{"example.com:9100", false},
		{"9100", false},
	}
	for _, tt := range tests {
		if err := loopbackOnly("-metrics", tt.addr); (err == nil) != tt.ok {
			t.Errorf("%q: got %v, want ok %v", tt.addr, err, tt.ok)
		}
	}
}
