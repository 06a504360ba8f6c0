package main

import (
	"net"
	"strings"
	"testing"
)

// TestRunAddressInUse: a second server on a port already taken says so,
// and what to do, before it says it serves.
func TestRunAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = run(ln.Addr().String(), t.TempDir(), defaults, "", "")
	if err == nil || !strings.Contains(err.Error(), "-addr") {
		t.Errorf("run on a taken port: %v, want an error that names -addr", err)
	}
}
