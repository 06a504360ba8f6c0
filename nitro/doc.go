// Package nitro is the protocol loop of Nitro, after N2O's: one ordered
// chain of protocols and one Context per connection, whatever carries the
// bytes. It imports the standard library and nitro/bert only; transports
// (nitro/ws for WebSockets) and services (nitro/ftp, nitro/proc,
// nitro/format) build on it, as do actions, elements and pages. The wire
// contract is docs/protocol.md.
//
// # Pages and the chain
//
// A Page handles the events of a live page: Init when its client connects
// (and after each reconnect), Postback when the user fires an element's
// postback, Direct and Client messages, Push deliveries from pub/sub, and
// Exit. It answers by queuing JavaScript on its Context; the connection
// sends it as {io, JS, Data}.
//
//	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
//		switch ev.(type) {
//		case nitro.Init:
//			cx.Subscribe("lobby")
//		case nitro.Postback:
//			cx.Publish("lobby", bert.BinString(cx.QText("message")))
//		case nitro.Push:
//			cx.Wire("console.log('someone said something');")
//		}
//	})
//	srv, err := nitro.New(nitro.Config{Keys: ring})
//	http.Handle("/ws/lobby", ws.New(srv, ws.Config{}).Handler(page))
//
// Every message goes down an ordered chain of Protocols (N2O's n2o_proto):
// Heart (PING/PONG) and Nitro (init, pickles, direct, client, pushes) by
// default, then any the application adds (nitro/ftp's uploads, its own).
// A message nobody takes is answered with NOP. A protocol of one's own
// uses what the shipped ones use: Context.Event runs the page, IO builds
// the reply, Flush sends JavaScript ahead of it, OnClose and Local keep
// per-connection state. When every page of a topic shows a publication
// the same way, Context.Broadcast renders it once and each connection only
// writes the bytes.
//
// # Transports
//
// A transport carries one connection's messages: it reads them and hands
// each to Conn.Receive, and the loop writes replies through the
// Transport it was opened with (Server.Open). The contract, both ways:
//
//   - Deliver never blocks. Receive waits while the connection's unhandled
//     bytes are over InboxBytes, or the server's over InboundBytes:
//     back-pressure, the reader reads no more meanwhile. A connection with
//     SendQueue messages waiting is closed as too far behind
//     (Transport.Close with CloseNow); its client reconnects.
//   - The loop calls Queue and Flush from one goroutine at a time: the
//     connection's worker, or a publisher writing a broadcast to an idle
//     connection with Flush(false), which must not block. Never after
//     Conn.Close has returned.
//   - Close and Peer may be called from any goroutine at any time, during
//     a Flush too. After Close the transport's reader ends, and calls
//     Conn.Close once, with why (nil for a clean close).
//   - Messages go out whole and in the order queued. If the transport
//     writes anything of its own (pings, pongs, close frames), it keeps
//     them whole and in order with the loop's.
//
// # Trust
//
// A Postback reaches a page only from a pickle that opens: sealed with
// AES-256-GCM by a key of the server's KeyRing, for this session and this
// page, and not expired. The client cannot read or forge one. Direct and
// Client messages are user input of their own types. Postback field values
// are data on the Context (Q); they never overwrite the session, the path
// or the page. A pickle that fails is answered with {error, <<"EV
// expected">>} and a log line saying why; a handler that panics is
// answered with a safe message while its stack goes to the log. Neither
// closes the connection. Sessions are identified by sealed tokens
// (Tokens). No key ships with nitro: Config.Keys (see nitro/keys).
//
// The rules for sessions and hostile peers:
//   - Login and logout call Context.RotateSession: a token known before
//     (planted by an attacker, or kept after logout) then acts as nobody.
//     SetUser, after it, names the session's user.
//   - A session the transport binds (Server.Open's token: pages' HttpOnly
//     cookie) wins over the token init names, which scripts can write.
//   - What a peer costs is bounded in bytes: the memory of one decoded
//     message (Config.TermMemory, GuestTermMemory until SetUser), what a
//     connection and the server hold unread (InboxBytes, InboundBytes:
//     past them, readers wait), and a connection must send init within
//     InitTimeout. A bad frame is answered {error, <<"bad frame">>}.
//   - The formatters refuse what the peer could not read (NaN, atoms
//     Erlang cannot hold): the page gets the safe error, not a crash.
//
// # Concurrency
//
// Each connection runs its messages one at a time, like N2O's process per
// connection: a Page's Event is never called concurrently for the same
// Context, so a Context needs no locking, and must not be used by other
// goroutines. Different connections run in parallel. Publishing never
// waits for a subscriber. The Bus, the Store, the Cache and the Server
// are safe for concurrent use.
//
// # Memory
//
// An idle connection holds no goroutine of the loop's: a worker from a
// pool runs it only while it has messages, and reply buffers come from a
// pool. What else it holds is its transport's (nitro/ws: a parked reader
// and a 1 KiB read buffer).
package nitro
