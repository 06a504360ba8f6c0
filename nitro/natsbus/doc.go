// Package natsbus is a nitro.Bus for applications that run on several
// nodes: the nodes share their topics through a NATS server (or cluster),
// so that a page's Publish or Broadcast on one node reaches the pages of
// every node.
//
// One process needs none of this: nitro's MemoryBus is the default. Past
// one machine, nodes share a real distributed engine rather than a bus of
// nitro's own; NATS is small (one binary, or embedded in a Go process),
// fast, and its core publish/subscribe is what nitro's pub/sub is. This
// package is the adapter, kept out of nitro so that only applications
// that use it link the NATS client.
//
// # Wiring
//
// Each node connects to NATS, makes a Bus on the connection and gives it
// to its server:
//
//	nc, err := nats.Connect("nats://nats.internal:4222")
//	bus, err := natsbus.New(nc, natsbus.Options{})
//	srv, err := nitro.New(nitro.Config{Bus: bus, Keys: ring})
//	...
//	srv.Close()
//	bus.Close()
//	nc.Close()
//
// # How it works
//
// A node keeps its local subscribers (its pages' connections) in a
// nitro.MemoryBus. For each topic with at least one local subscriber it
// holds one NATS subscription: the first Subscribe makes it, the last
// Unsubscribe drops it. Publish encodes the message as BERT and publishes
// it on the topic's subject; what arrives on a subject is decoded and
// delivered, through the MemoryBus, to the node's subscribers of the
// topic. A node's own publications come back to it through NATS like
// everyone else's, and Publish does not deliver them locally as well: each
// subscriber gets each message once. A Broadcast travels as the term
// {nitro_js, JS} and is written to each page by the node that has it.
//
// The first Subscribe to a topic on a node waits for the NATS server to
// confirm the subscription (one round trip; see Options.SubscribeWait),
// so that what any node publishes after Subscribe returns reaches the
// subscriber. In a NATS cluster, interest spreads between servers
// asynchronously, and a message published on another server in the next
// moments may still miss it.
//
// # Subjects
//
// A topic travels on Options.Prefix ("nitro"), a dot, and the topic as
// one token, in unpadded base64url (see Subject): "room/lobby" travels on
// nitro.cm9vbS9sb2JieQ. Topics are any strings; dots, spaces, '*' and '>'
// in a topic never become extra tokens or wildcards. Applications that
// share a NATS server keep apart with prefixes of their own (and NATS
// accounts, where they must not see each other at all).
//
// # Order and delivery
//
// Messages published through one node (one NATS connection) reach every
// subscriber of the topic, on every node, in the order they were
// published: NATS keeps the order of one publisher's messages, and a node
// delivers one topic's messages one after another from the topic's
// subscription. Messages published by different nodes have no order
// between them: each node sees each publisher's messages in order, but
// two nodes may see them interleaved differently. A topic that needs one
// order for everybody is published through one node.
//
// Delivery is NATS core's, at most once: a message is lost when no
// server holds the subscription at that moment (a node reconnecting, a
// subscription not yet confirmed), or when a node falls behind (see Slow
// consumers). Nothing is stored or replayed; history, where an
// application needs it, is the application's (as the chat sample keeps
// its own).
//
// # Reconnecting
//
// nats.go reconnects by itself and makes the connection's subscriptions
// again. What a publisher sees from Publish:
//
//   - Connected: Publish returns once NATS has the bytes in its outgoing
//     buffer (nats.go writes the buffer to the socket in the caller when
//     it is full, so a Publish may wait on a slow network).
//   - Reconnecting: nats.go keeps publications in its reconnect buffer
//     (nats.ReconnectBufSize, 8 MiB by default) and Publish returns nil;
//     they are sent after the subscriptions once the connection is back,
//     so the node's own pages get them, and other nodes get them if they
//     are back by then. When the buffer is full, Publish returns an error
//     wrapping nats.ErrReconnectBufExceeded. With nats.ReconnectBufSize(-1)
//     it fails at once instead.
//   - Closed (nc.Close, or nats.go gave up reconnecting): an error
//     wrapping nats.ErrConnectionClosed.
//
// Publish also fails for a message longer than Options.MaxMessage
// (ErrTooBig) or than the server's max_payload (nats.ErrMaxPayload), and
// after Close (ErrClosed). Every failure is counted in Stats. nitro's
// Context.Publish and Broadcast return the error to the page.
//
// Subscribing while the connection is away succeeds without waiting: the
// subscription is made on the server when the connection is back.
//
// # Bad input and slow consumers
//
// Anyone with access to the NATS server can publish on a bus's subjects.
// What arrives is decoded with Options.Decoder (bert's limits on depth and
// inflated size by default) after a check against Options.MaxMessage; a
// message that is not one valid BERT term within those limits is dropped,
// counted (Stats.Invalid) and logged, at most one line a second. Use NATS
// permissions to keep other programs off the prefix.
//
// A node that does not keep up with a topic has NATS queue its messages
// up to Options.PendingMsgs and PendingBytes, then drop them and report a
// slow consumer. New chains an error handler onto the connection: the
// bus counts those reports for its own subscriptions (Stats.SlowConsumer,
// Stats.Lost) and logs them, at most one line a second, and passes every
// other error to the handler the connection had. A subscriber itself
// never blocks the bus: nitro's Subscriber.Deliver queues or refuses.
//
// # Concurrency
//
// A Bus is safe for concurrent use. Each topic with local subscribers
// has one NATS subscription, and nats.go delivers its messages on one
// goroutine of its own; Deliver is called on that goroutine, and may
// subscribe, unsubscribe or publish. Subscribe, Unsubscribe and Close
// share one lock, held while nats.go registers or drops a subscription,
// never while a message is delivered. Publish takes no lock of the bus's.
package natsbus
