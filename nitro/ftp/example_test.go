package ftp_test

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/ftp"
)

// An upload as the browser's ftp.js sends it, through the protocol alone.
// On a socket the page's Context is the connection's, and nitrotest's
// Client.Upload plays the browser.
func ExampleProtocol() {
	dir, err := os.MkdirTemp("", "uploads")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	key, _ := nitro.GenerateKey(1)
	ring, _ := nitro.NewKeyRing(key)
	uploads := ftp.New(ftp.Config{Dir: dir, Logger: slog.New(slog.DiscardHandler)})
	srv, err := nitro.New(nitro.Config{Keys: ring, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch e := ev.(type) {
		case ftp.Progress:
			fmt.Printf("progress %d of %d\n", e.Offset, e.Size)
		case ftp.Uploaded:
			fmt.Printf("stored %s, %d bytes\n", e.Name, e.Size)
		}
	})
	cx := srv.NewContext(httptest.NewRequest("GET", "/", nil), "session-1", "/", page)
	send := func(offset int64, data []byte, status string) {
		msg := bert.Tuple(bert.Atom("ftp"), bert.BinString("up-1"), bert.BinString("token"),
			bert.BinString("../notes.txt"), bert.Bin(nil), bert.Int(11), bert.Int(offset), bert.Int(1),
			bert.Bin(data), bert.BinString(status), bert.Nil())
		reply, _ := uploads.Serve(cx, msg)
		ack, _ := reply.Term()
		fmt.Println(ack)
	}
	send(0, nil, "init")
	send(0, []byte("hello world"), "send")
	// Output:
	// {ftpack,<<"up-1">>,<<"token">>,<<"notes.txt">>,<<>>,11,0,262144,<<>>,<<"init">>,[]}
	// progress 11 of 11
	// stored notes.txt, 11 bytes
	// {ftpack,<<"up-1">>,<<"token">>,<<"notes.txt">>,<<>>,11,11,0,<<>>,<<"send">>,[]}
}

func ExampleSanitizeFilename() {
	for _, name := range []string{"../../etc/passwd", `C:\Users\zoë\résumé.pdf`, ".bashrc", "CON.txt", "a\x00b", ".."} {
		fmt.Println(ftp.SanitizeFilename(name))
	}
	// Output:
	// passwd
	// résumé.pdf
	// bashrc
	// _CON.txt
	// ab
	// upload
}
