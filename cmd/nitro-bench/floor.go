package main

import (
	"net/http"
	"runtime"
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

// floorRoom is the bare fan-out under the broadcast measurement: every
// socket of /ws/floor/room is in one room, and a binary frame from any of
// them is written as it is to all of them, the sender included, by as
// many goroutines as there are processors. No codec, no inbox, no page:
// one write per socket, which is what a fan-out cannot do without.
func floorRoom() http.Handler {
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096, WriteBufferPool: &sync.Pool{}}
	var mu sync.Mutex
	members := map[*websocket.Conn]*sync.Mutex{}
	fanout := func(msg []byte) {
		mu.Lock()
		type member struct {
			ws *websocket.Conn
			mu *sync.Mutex
		}
		all := make([]member, 0, len(members))
		for ws, m := range members {
			all = append(all, member{ws, m})
		}
		mu.Unlock()
		par := runtime.GOMAXPROCS(0)
		var wg sync.WaitGroup
		for p := range par {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := p; i < len(all); i += par {
					all[i].mu.Lock() // gorilla allows one writer at a time
					all[i].ws.WriteMessage(websocket.BinaryMessage, msg)
					all[i].mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		members[ws] = new(sync.Mutex)
		mu.Unlock()
		go func() {
			defer func() {
				mu.Lock()
				delete(members, ws)
				mu.Unlock()
				ws.Close()
			}()
			for {
				mt, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				if mt == websocket.BinaryMessage {
					fanout(data)
				}
			}
		}()
	})
}
