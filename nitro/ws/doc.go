// Package ws is Nitro's WebSocket transport, on gorilla/websocket: it
// serves the pages of a nitro.Server, one socket per page, as N2O's
// browser client dials them (/ws + the page's path).
//
//	srv, _ := nitro.New(nitro.Config{Keys: ring})
//	sockets := ws.New(srv, ws.Config{})
//	http.Handle("/ws/counter", sockets.Handler(counter))
//
// Package pages does this for the pages it mounts.
//
// # Writing
//
// gorilla allows one writer at a time, and writing to the connection
// behind its back corrupts it. The transport owns the write side whole:
// after the handshake every byte goes through one writer (writer.go),
// which holds the socket while it writes and keeps what a write that must
// not wait left unwritten at the front of what comes next. Data frames
// (the loop's replies, several to one write(2) when they are ready
// together), a broadcast written from the publisher's goroutine, pings,
// pongs and close frames all go that way, so they never interleave;
// gorilla's own ping and close handlers are replaced, and what gorilla
// still writes (the handshake, the close frame of a protocol error) it
// writes through the same writer, which is the net.Conn it was given.
// gorilla reads.
//
// # Limits
//
// A message over Config.ReadLimit closes the socket with 1009; a socket
// silent for ReadTimeout is closed; the server pings every PingInterval;
// a write blocked for WriteTimeout fails and closes the socket.
//
// # Trust
//
// A browser opens a socket from any page, with its cookies, so a socket
// is refused (403, and a Warn in the log) unless both of these hold:
//
//   - Its Origin is the page's own, scheme and host[:port] alike (an http
//     page may not open the socket of an https one), or Config.Origins
//     names it. A request without Origin is not from a browser.
//   - Its Host is one the server answers to (DNS rebinding: a page of
//     attacker.example whose name now leads to 127.0.0.1 is same-origin
//     with itself, and would pass the Origin check). Config.Hosts lists
//     them; by default an IP address, "localhost" and names under
//     ".localhost" are allowed, and any other name only on a connection
//     that did not arrive on a loopback address, so that a server on the
//     developer's machine cannot be reached by a name an attacker owns,
//     and a public one still answers to its own. Endpoint.AllowedHost
//     applies the same rule to an ordinary request.
//
// The page's scheme is https on TLS, or when a proxy in
// Config.TrustedProxies says so in X-Forwarded-Proto; the client's
// address (for MaxPerIP) is the one such a proxy names in
// X-Forwarded-For. Anyone else's forwarding headers are ignored.
//
// # Memory
//
// An idle socket holds its reader goroutine, parked with the small stack
// that reading needs, gorilla's 1 KiB read buffer, and its connection:
// write buffers come from a pool and go back once written, and the
// request's headers are kept as one string (Context.Peer parses them).
//
// A reader reads a message's first 4 KiB into a pooled buffer. A larger
// message waits for a slot of Config.ReadBudget before the rest is read,
// and keeps it until the loop has counted the message against its own
// budgets (nitro.Config.InboxBytes, InboundBytes), so what sockets have
// read and the loop has not counted is bounded however many sockets send
// large messages; such a message must arrive within ReadTimeout.
package ws
