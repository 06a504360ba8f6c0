package nitro

// Heart is the heartbeat protocol (N2O's n2o_heart): text PING is answered
// with text PONG, and an empty text frame with an empty one.
var Heart Protocol = heartProtocol{}

type heartProtocol struct{}

// Name is its name in Stats: "heart".
func (heartProtocol) Name() string { return "heart" }

func (heartProtocol) Serve(_ *Context, msg any) (Reply, bool) {
	switch msg {
	case Text("PING"):
		return TextReply("PONG"), true
	case Text(""):
		return TextReply(""), true
	}
	return Reply{}, false
}
