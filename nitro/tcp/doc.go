// Package tcp carries Nitro's protocol loop over any net.Listener (TCP, a
// Unix socket), and runs raw protocols there too. A connection is a page's,
// as a WebSocket is: the same Context, sessions, pub/sub and Spawn, so a
// TCP client subscribed to a chat room gets what browsers post in it, and
// what it publishes reaches their pages.
//
// # Framing
//
// Each Server frames its listeners one way (Config.Framing):
//
//   - Lines: one message per "\n"-terminated line, for a person at netcat.
//     A line reaches the loop as a text message (nitro.Text). The
//     connection is sent init as it opens, so the page's Init runs at once.
//     What it writes is what the page queued with Context.Wire, one line
//     for each reply; an error reply becomes "error: reason".
//   - LengthPrefix: each message is preceded by its length in 4 bytes,
//     big-endian, as BERT-RPC frames packets. A frame is a BERT term, and
//     the peer speaks the Nitro protocol as the browser does: {init,
//     Token} first, then {client, Msg}, {direct, Msg}; replies are the
//     loop's terms as BERT.
//
// The chain hands a page only what a protocol of it takes: Messages gives
// the page the lines and terms the Nitro protocol does not take.
//
//	srv, _ := nitro.New(nitro.Config{Keys: ring,
//		Protocols: append(nitro.DefaultProtocols(), tcp.Messages)})
//	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
//		if line, ok := ev.(nitro.Text); ok {
//			cx.Wire("you said: " + string(line))
//		}
//	})
//	ln, _ := net.Listen("tcp", "localhost:7001")
//	go tcp.New(srv, tcp.Config{}).Serve(ln, page)
//
// # Raw protocols
//
// ServeRaw runs a Handler instead of a page, linedancer's shape: a state
// machine per connection over its events (Connect, Data, Close), with
// state of its own; a handler per listener. A handler that panics closes
// its own connection, with the reason logged; the listener and the other
// connections live on.
//
// # Limits
//
// As on the WebSocket: a line or frame over MaxMessage closes the
// connection (logged), as does silence for IdleTimeout (one that never
// sends a message too); the bytes waiting to be written are bounded
// (SendQueueBytes: past them the peer is too slow and is closed) and a
// write by WriteTimeout; a page's panic is recovered per message by the
// loop, and the peer gets "error: server error" (Lines) or the loop's
// error term. Shutdown drains: it closes the listeners, stops reading,
// waits until what was read is handled and answered, then closes the
// connections.
//
// # Concurrency
//
// A Server is safe for concurrent use; Serve and ServeRaw may run on many
// listeners at once. Each connection has one reader goroutine, which cuts
// messages and hands them to the loop (or runs the handler); writes are
// serialised by the connection, so messages go out whole and in order.
// The loop runs a page's messages one at a time (package nitro,
// Concurrency); a raw handler gets a connection's events one at a time,
// from its reader, while RawConn's Send and Close may be called from any
// goroutine.
package tcp
