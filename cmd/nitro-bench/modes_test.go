package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// mustRun runs a mode and decodes its -json result.
func mustRun(tb testing.TB, m mode, args ...string) result {
	tb.Helper()
	var out bytes.Buffer
	if err := m(append(args, "-json"), &out); err != nil {
		tb.Fatalf("%s: %v", strings.Join(args, " "), err)
	}
	var r result
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		tb.Fatalf("%s: the -json output does not parse: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return r
}

// TestModesBuiltIn runs each mode briefly against the built-in server.
func TestModesBuiltIn(t *testing.T) {
	short := []string{"-clients", "3", "-duration", "300ms", "-warmup", "100ms"}
	tests := []struct {
		name string
		m    mode
		args []string
	}{
		{"ping", ping, short},
		{"ping floor", ping, append(short, "-floor")},
		{"postback", postback, short},
		{"postback floor", postback, append(short, "-floor")},
		{"chat", chat, short},
		{"broadcast", broadcast, []string{"-clients", "5", "-rounds", "5", "-warmup", "0"}},
		{"idle", idle, []string{"-clients", "5", "-duration", "100ms", "-warmup", "100ms"}},
		{"paint", paint, []string{"-clients", "2", "-t", "1", "-duration", "1s", "-warmup", "0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := exec.LookPath("wrk"); err != nil && tt.name == "paint" {
				t.Skip("no wrk")
			}
			r := mustRun(t, tt.m, tt.args...)
			if r.Events <= 0 || r.EventsPerSec <= 0 || r.MaxMicros <= 0 || r.P50Micros > r.MaxMicros {
				t.Errorf("%+v: want events and latencies", r)
			}
			if r.ServerPID == 0 {
				t.Errorf("%+v: no server pid", r)
			}
		})
	}
}

func TestOptionsRefused(t *testing.T) {
	tests := [][]string{
		{"-url", "http://10.0.0.1:8000/login"},
		{"-url", "http://localhost:8000/login"},
		{"-pid", "1"},
		{"-clients", "0"},
		{"-duration", "11m"},
		{"-sample", "-url", "http://127.0.0.1:1/login"},
		{"extra"},
	}
	for _, args := range tests {
		o := newOptions("test", "", 1, 1).withSample()
		o.fs.SetOutput(&bytes.Buffer{})
		if err := o.parse(args); err == nil {
			t.Errorf("parse(%q): no error", args)
		}
	}
}
