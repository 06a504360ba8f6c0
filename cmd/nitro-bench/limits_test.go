package main

import (
	"context"
	"errors"
	"net"
	"testing"
)

// TestSourceDialer: after each block of dials, the next source address.
func TestSourceDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	d := &sourceDialer{perAddr: 2}
	want := []string{"127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2", "127.0.0.3"}
	for i, w := range want {
		c, err := d.DialContext(context.Background(), "tcp", ln.Addr().String())
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		if got := s.RemoteAddr().(*net.TCPAddr).IP.String(); got != w {
			t.Errorf("dial %d from %s, want %s", i, got, w)
		}
		c.Close()
		s.Close()
	}
}

func TestSourceDialerIPv6(t *testing.T) {
	d := &sourceDialer{perAddr: 1}
	d.dials.Store(1)
	if _, err := d.DialContext(context.Background(), "tcp", "[::1]:1"); !errors.Is(err, errNoSourcePorts) {
		t.Errorf("an IPv6 target past one address's ports: %v, want errNoSourcePorts", err)
	}
}

func TestCheckFiles(t *testing.T) {
	if err := checkFiles(10, &child{}); err != nil {
		t.Errorf("10 connections: %v", err)
	}
	if err := checkFiles(1<<30, &child{}); err == nil {
		t.Error("2^30 connections: no error")
	}
}
