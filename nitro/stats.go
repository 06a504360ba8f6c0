package nitro

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// ProtocolStats counts the messages of one protocol of the chain, or,
// last in Stats.Protocols, of none ("none": those answered with NOP).
type ProtocolStats struct {
	// Name is what the protocol's Name method returns (Heart's is
	// "heart", Nitro's "nitro"), or "#" and its index in the chain when
	// it has none or another protocol has the name already.
	Name string
	In   int64 // messages it took (or panicked on)
	Out  int64 // replies it sent to them
}

// TransportStats counts the connections of one transport.
type TransportStats struct {
	// Name is what the transport's Name method returns ("ws" for
	// nitro/ws), or "other" when it has none.
	Name        string
	Connections int64 // open now
	Opened      int64 // ever opened
}

// CloseStats counts the connections that ended, by why.
type CloseStats struct {
	Normal   int64 // the peer said goodbye, or went away
	Error    int64 // the transport ended with an error: a read failed, timed out, or was over its limit
	Slow     int64 // too far behind (Config.SendQueue)
	NoInit   int64 // no init within Config.InitTimeout
	Shutdown int64 // the server closed
}

// Why a connection closed: Conn.why, and the index of counters.closes.
const (
	closeNormal = 1 + iota
	closeError
	closeSlow
	closeNoInit
	closeShutdown
	closeReasons
)

// Handled is what the function OnHandled sets hears of a message.
type Handled struct {
	Protocol int           // the index in Stats.Protocols of who took it
	Name     string        // its name, Stats.Protocols[Protocol].Name
	Took     time.Duration // through the chain to the encoded reply
}

// OnHandled sets fn to be called after each message the chain ran
// (frames and deliveries; a Broadcast's JavaScript is not run through
// it), from the connection's worker: fn must be quick, and safe for
// concurrent use. Package nitro/metrics times messages this way. With
// none, the default, the loop reads no clock for them. The last call
// wins; nil stops the calls.
func (s *Server) OnHandled(fn func(Handled)) {
	if fn == nil {
		s.onHandled.Store(nil)
		return
	}
	s.onHandled.Store(&fn)
}

// protoCount counts one protocol's messages, a cache line of its own:
// workers on other cores count other protocols without contention.
type protoCount struct {
	in, out atomic.Int64
	_       [48]byte
}

// protocolNames names the protocols of chain for Stats, and "none" last.
func protocolNames(chain Chain) []string {
	names := make([]string, 0, len(chain)+1)
	for i, p := range chain {
		n := nameOf(p)
		if n == "" || n == "none" || slices.Contains(names, n) || strings.HasPrefix(n, "#") {
			n = "#" + strconv.Itoa(i)
		}
		names = append(names, n)
	}
	return append(names, "none")
}

func transportName(t Transport) string {
	if n := nameOf(t); n != "" {
		return n
	}
	return "other"
}

// nameOf returns the name v's Name method gives, if it has one.
func nameOf(v any) string {
	if n, ok := v.(interface{ Name() string }); ok {
		return n.Name()
	}
	return ""
}

func (s *Server) closeStats() CloseStats {
	c := &s.stats.closes
	return CloseStats{Normal: c[closeNormal].Load(), Error: c[closeError].Load(), Slow: c[closeSlow].Load(),
		NoInit: c[closeNoInit].Load(), Shutdown: c[closeShutdown].Load()}
}

// transportStats returns the connections by transport, by name.
func (s *Server) transportStats() []TransportStats {
	s.connMu.Lock()
	out := make([]TransportStats, 0, len(s.stats.transports))
	for _, ts := range s.stats.transports {
		out = append(out, *ts)
	}
	s.connMu.Unlock()
	slices.SortFunc(out, func(a, b TransportStats) int { return strings.Compare(a.Name, b.Name) })
	return out
}
