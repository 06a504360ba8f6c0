package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
)

// loopbackOnly refuses any target but this machine's loopback: the tool
// is a load generator, and pointed anywhere else it would be an attack.
// Names are refused rather than resolved, so that no resolver can turn
// "localhost" into something else.
func loopbackOnly(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return errors.New("refusing a non-loopback target: " + addr + " (give a loopback IP such as 127.0.0.1)")
	}
	return nil
}

// parseTarget reads a -url: an http URL whose host is a loopback IP. The
// URL keeps its path and query (the page to open); Host gets its port.
func parseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("-url %q: want http://IP:PORT/path on loopback", raw)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "80")
	}
	if err := loopbackOnly(u.Host); err != nil {
		return nil, err
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// wsURL is the socket of the page at u, as N2O's client opens it:
// ws://HOST/ws + the page's path and query.
func wsURL(u *url.URL) string {
	s := "ws://" + u.Host + "/ws" + u.Path
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return s
}
