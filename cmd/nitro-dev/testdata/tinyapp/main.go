// Command tinyapp is the app nitro-dev's tests run: it says its version
// at / and listens on $ADDR, as the convention asks.
package main

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
)

const version = "version A"

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "localhost:8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><link rel=stylesheet href=/static/app.css></head><body><h1 id=v>%s</h1></body></html>", version)
	})
	// /echo upgrades the connection (as a WebSocket would) and echoes.
	http.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
		rw.Flush()
		io.Copy(conn, rw)
	})
	http.Handle("/static/", http.StripPrefix("/static/", http.FileServer(http.Dir("static"))))
	// /dev says what nitro-dev put in NITRO_DEV.
	http.HandleFunc("/dev", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "NITRO_DEV=%s", os.Getenv("NITRO_DEV")) })
	log.Printf("listening on %s pid %d", addr, os.Getpid())
	log.Fatal(http.ListenAndServe(addr, nil))
}
