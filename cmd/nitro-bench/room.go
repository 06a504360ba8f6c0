package main

import (
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// roomPage is the pub/sub benchmark's page, a chat without a store: the
// page at /room?room=R subscribes to R; its button's postback publishes
// the message to R, and every connection in R, the sender's included,
// shows it.
var roomPage = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	room := "room:" + cx.Query().Get("room")
	switch e := ev.(type) {
	case nitro.Init:
		if err := cx.Subscribe(room); err != nil {
			cx.Logger().Error("bench: subscribe", "err", err)
			return
		}
		actions.Event{Target: "btn", Postback: bert.Atom("say"), Source: []string{"msg"}}.Wire(cx)
	case nitro.Postback:
		cx.Publish(room, bert.Tuple(bert.Atom("msg"), bert.BinString(cx.QText("msg"))))
	case nitro.Push:
		actions.Wire(cx, "qi(\"log\").insertAdjacentText(\"beforeend\","+actions.Quote(e.Msg.At(1).Text())+");")
	}
})
