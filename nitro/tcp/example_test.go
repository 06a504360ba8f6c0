package tcp_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/keys"
	"github.com/nitrogo/framework/nitro/tcp"
)

// A page over lines: what the peer types is answered, as netcat shows it.
func ExampleServer_Serve() {
	ks, _ := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") // an example: use your own
	ring, _ := nitro.NewKeyRing(ks...)
	srv, err := nitro.New(nitro.Config{Keys: ring, Protocols: append(nitro.DefaultProtocols(), tcp.Messages)})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		switch ev := ev.(type) {
		case nitro.Init:
			cx.Wire("hello")
		case nitro.Text:
			cx.Wire("you said: " + strings.ToUpper(string(ev)))
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	lines := tcp.New(srv, tcp.Config{})
	go lines.Serve(ln, page)
	defer lines.Shutdown(context.Background())

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	fmt.Fprint(c, "psst\nPING\n")
	for range 3 {
		line, _ := r.ReadString('\n')
		fmt.Print(line)
	}
	// Output:
	// hello
	// you said: PSST
	// PONG
}

// linedancer's echo: a raw handler that counts the lines it echoes.
func ExampleServeRaw() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	echo := tcp.HandlerFunc(func(c *tcp.RawConn, state any, ev tcp.Event) (any, error) {
		switch ev.Kind {
		case tcp.Connect:
			return 0, nil
		case tcp.Data:
			n := state.(int) + 1
			return n, c.Send(fmt.Appendf(nil, "%d: %s", n, ev.Data))
		}
		return state, nil
	})
	go tcp.ServeRaw(ln, echo)

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	fmt.Fprint(c, "hello\nworld\n")
	r := bufio.NewReader(c)
	for range 2 {
		line, _ := r.ReadString('\n')
		fmt.Print(line)
	}
	// Output:
	// 1: hello
	// 2: world
}

// A graceful stop: the listener closes at once, the message in flight is
// answered, then the connection closes.
func ExampleServer_Shutdown() {
	ks, _ := keys.Parse("1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8") // an example: use your own
	ring, _ := nitro.NewKeyRing(ks...)
	srv, err := nitro.New(nitro.Config{Keys: ring, Protocols: append(nitro.DefaultProtocols(), tcp.Messages)})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	handled := make(chan struct{})
	page := nitro.PageFunc(func(cx *nitro.Context, ev any) {
		if _, ok := ev.(nitro.Text); ok {
			close(handled)
			time.Sleep(50 * time.Millisecond) // a slow page
			cx.Wire("finished")
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	lines := tcp.New(srv, tcp.Config{})
	served := make(chan error)
	go func() { served <- lines.Serve(ln, page) }()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	fmt.Fprint(c, "work\n")
	<-handled
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	fmt.Println("shutdown:", lines.Shutdown(ctx))
	fmt.Println("serve:", <-served)
	rest, _ := io.ReadAll(c)
	fmt.Printf("%q\n", rest)
	// Output:
	// shutdown: <nil>
	// serve: tcp: server closed
	// "finished\n"
}
