// Package nitro is the protocol core of Nitro: it serves live pages over
// the N2O protocol (see PROTOCOL.md), one WebSocket per page instance.
//
// It imports the standard library, gorilla/websocket and nitro/bert only;
// elements, actions, pages and templ build on it.
//
// # Pages and the protocol chain
//
// A Page handles the events of a live page: Init when the browser connects
// (and after each reconnect), Postback when the user fires an element's
// postback, Direct and Client messages, Push deliveries from pub/sub,
// UploadProgress and Uploaded from the upload protocol, and Exit. It
// answers by queuing JavaScript on its Context; the connection sends it as
// one {io, JS, Data} frame per message. Frames that are ready together (a
// postback's reply and the push it caused on its own page) leave in one
// write.
//
//	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
//		switch e := ev.(type) {
//		case nitro.Init:
//			cx.Subscribe("lobby")
//		case nitro.Postback:
//			cx.Publish("lobby", bert.BinString(cx.QText("message")))
//		case nitro.Push:
//			cx.Wire("console.log('someone said something');")
//			_ = e
//		}
//	})
//	srv, err := nitro.New(nitro.Config{Keys: ring})
//	http.Handle("/ws/lobby", srv.Handler(page))
//
// When every page of a topic shows a publication the same way (a chat
// room's new line), Context.Broadcast renders it once and each connection
// only writes the bytes, without running its Event: a broadcast to a
// thousand pages costs a thousand writes, not a thousand renders.
//
// Every message goes down an ordered chain of Protocols (N2O's n2o_proto):
// Heart (PING/PONG), Nitro (init, pickle, direct, client, pushes) and FTP
// (uploads), and any protocol of the application's own in front or behind.
// A message nobody takes is answered with an empty binary frame (NOP).
//
// # Trust
//
// A Postback reaches a page only from a pickle that opens: sealed with
// AES-256-GCM by a key of the server's KeyRing, for this session and this
// page, and not expired. The browser cannot read or forge one. Direct and
// Client messages are user input of their own types. Postback field values
// are data on the Context (Q); they never overwrite the session, the path
// or the page. A pickle that fails is answered with {error, <<"EV
// expected">>} and a log line saying why; a handler that panics is
// answered with a safe message while its stack goes to the log. Neither
// closes the connection.
//
// Sessions are identified by sealed tokens (Tokens): a valid token keeps
// its session, anything else starts a new one. No key ships with nitro:
// Config.Keys, or Config.Dev for a key kept in a local file.
//
// # Concurrency
//
// Each connection runs its messages one at a time, like N2O's process per
// connection: a Page's Event is never called concurrently for the same
// Context, so a Context needs no locking, and must not be used by other
// goroutines. Different connections run in parallel. Publishing never
// waits for a subscriber: a connection whose browser falls SendQueue
// messages behind is closed and its page reconnects. The Bus, the
// Store, the Cache, the Supervisor and the Server are safe for concurrent
// use.
//
// # Memory
//
// An idle connection holds one parked goroutine (its reader, which only
// reads, so its stack stays at the 4 KiB that reading needs), a 1 KiB read
// buffer and its Context: the chain runs on a worker from a pool only
// while the connection has messages, and write buffers come from a pool.
// That keeps an idle connection near the floor of a bare gorilla/websocket
// server (about 11 KiB each with 10,000 connections; nitro-bench idle).
package nitro
