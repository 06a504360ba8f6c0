package ws_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/keys"
	"github.com/nitrogo/framework/nitro/ws"
)

// A page's socket on a plain http.ServeMux, and a client that says PING.
func ExampleEndpoint_Handler() {
	ks, _ := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") // an example: use your own
	ring, _ := nitro.NewKeyRing(ks...)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	sockets := ws.New(srv, ws.Config{Origins: []string{"https://example.com"}})

	mux := http.NewServeMux()
	mux.Handle("/ws/lobby", sockets.Handler(nitro.PageFunc(func(cx *nitro.Context, ev any) {})))
	hs := httptest.NewServer(mux)
	defer hs.Close()

	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/ws/lobby", nil)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	c.WriteMessage(websocket.TextMessage, []byte("PING"))
	_, reply, err := c.ReadMessage()
	fmt.Println(string(reply), err)
	// Output: PONG <nil>
}
