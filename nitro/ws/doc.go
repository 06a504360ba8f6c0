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
// a write blocked for WriteTimeout fails and closes the socket. Origins
// other than the page's own are refused unless Config.Origins names them.
//
// # Memory
//
// An idle socket holds its reader goroutine, parked with the small stack
// that reading needs, gorilla's 1 KiB read buffer, and its connection:
// write buffers come from a pool and go back once written, and the
// request's headers are kept as one string (Context.Peer parses them).
package ws
