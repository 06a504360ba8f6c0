package main

import (
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// floorHandler is a bare gorilla/websocket server, the floor the
// framework's figures are compared with: text PING gets PONG, and any
// binary frame a 1,024-byte binary reply. It is built as the floor
// measurement describes its best case: a 1 KiB read buffer, pooled write
// buffers, and the read loop in a goroutine of its own.
func floorHandler() http.Handler {
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{}}
	reply := make([]byte, 1024)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		go func() {
			defer ws.Close()
			for {
				mt, _, err := ws.ReadMessage()
				if err != nil {
					return
				}
				if mt == websocket.TextMessage {
					err = ws.WriteMessage(websocket.TextMessage, []byte("PONG"))
				} else {
					err = ws.WriteMessage(websocket.BinaryMessage, reply)
				}
				if err != nil {
					return
				}
			}
		}()
	})
}
