package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestTCP runs the tcp mode briefly: the chain and the floor each echo.
func TestTCP(t *testing.T) {
	var out bytes.Buffer
	if err := tcpEcho([]string{"-clients", "3", "-duration", "300ms", "-warmup", "100ms", "-json"}, &out); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	for _, want := range []string{"nitro/tcp", "floor"} {
		var r result
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("the -json output does not parse: %v", err)
		}
		if !strings.Contains(r.Server, want) || r.Events <= 0 || r.EventsPerSec <= 0 || r.ServerPID == 0 {
			t.Errorf("%+v: want echoes of %s", r, want)
		}
	}
}
