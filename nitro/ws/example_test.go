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

// A handler of ordinary requests, a page's first paint say, refusing the
// names that the page's socket would be refused by.
func ExampleEndpoint_AllowedHost() {
	ks, _ := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") // an example: use your own
	ring, _ := nitro.NewKeyRing(ks...)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	sockets := ws.New(srv, ws.Config{Hosts: []string{"example.com", "*.example.com"}})

	paint := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sockets.AllowedHost(r) {
			http.Error(w, "unknown host", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, "<h1>Lobby</h1>")
	})
	for _, host := range []string{"example.com", "www.example.com", "attacker.example"} {
		w := httptest.NewRecorder()
		paint.ServeHTTP(w, httptest.NewRequest("GET", "http://"+host+"/lobby", nil))
		fmt.Println(host, w.Code)
	}
	// Output:
	// example.com 200
	// www.example.com 200
	// attacker.example 403
}
