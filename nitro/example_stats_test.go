package nitro_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/keys"
	"github.com/nitrogo/framework/nitro/ws"
)

// A server's counters by protocol and transport, and a function that
// hears of each message handled, as package nitro/metrics times them.
func ExampleServer_Stats() {
	ks, _ := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") // an example: use your own
	ring, _ := nitro.NewKeyRing(ks...)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	handled := make(chan nitro.Handled, 1)
	srv.OnHandled(func(h nitro.Handled) { handled <- h })

	hs := httptest.NewServer(ws.New(srv, ws.Config{}).Handler(nitro.PageFunc(func(*nitro.Context, any) {})))
	defer hs.Close()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.WriteMessage(websocket.TextMessage, []byte("PING"))
	c.ReadMessage() // PONG
	h := <-handled
	fmt.Println("handled by", h.Name, h.Took < time.Second)

	st := srv.Stats()
	for _, t := range st.Transports {
		fmt.Printf("%s: %d open\n", t.Name, t.Connections)
	}
	for _, p := range st.Protocols {
		fmt.Printf("%s: %d in, %d out\n", p.Name, p.In, p.Out)
	}
	// Output:
	// handled by heart true
	// ws: 1 open
	// heart: 1 in, 1 out
	// nitro: 0 in, 0 out
	// none: 0 in, 0 out
}
