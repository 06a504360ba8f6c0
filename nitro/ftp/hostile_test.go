package ftp_test

import (
	"log/slog"
	"math/big"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/ftp"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// Hostile upload messages: each is refused with an error ack, and the
// connection lives on.

func TestFTPBadFields(t *testing.T) {
	srv, _, _, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/")
	c.Init()
	ok := ftpMsg("f", 10, 0, nil, "init").Elems()
	with := func(i int, v bert.Term) bert.Term {
		e := append([]bert.Term(nil), ok...)
		e[i] = v
		return bert.Tuple(e...)
	}
	tests := []struct {
		name string
		msg  bert.Term
	}{
		{"no fields", bert.Tuple(bert.Atom("ftp"))},
		{"too few fields", bert.Tuple(bert.Atom("ftp"), bert.BinString("id"), bert.BinString("sid"))},
		{"too many fields", bert.Tuple(append(append([]bert.Term(nil), ok...), bert.Nil())...)},
		{"id an integer", with(1, bert.Int(1))},
		{"sid a tuple", with(2, bert.Tuple())},
		{"filename an atom", with(3, bert.Atom("passwd"))},
		{"size a binary", with(5, bert.BinString("10"))},
		{"size negative", with(5, bert.Int(-1))},
		{"size a big integer", with(5, bert.BigInt(new(big.Int).Lsh(big.NewInt(1), 70)))},
		{"offset negative", with(6, bert.Int(-5))},
		{"block a float", with(7, bert.Float(1))},
		{"data an integer", with(8, bert.Int(7))},
		{"status an atom", with(9, bert.Atom("init"))},
		{"status unknown", with(9, bert.BinString("delete"))},
		{"options a binary", with(10, bert.BinString("x"))},
		{"options improper", with(10, bert.ImproperList(bert.Atom("t"), bert.Int(1)))},
		{"sha256 not hex", with(10, bert.List(bert.Tuple(bert.Atom("sha256"), bert.BinString("zz"))))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Send(tt.msg)
			a := c.NextAck()
			if a.Status != "error" || a.Reason != "upload message malformed" || a.Block != 0 {
				t.Errorf("got %s %q block %d, want error %q block 0", a.Status, a.Reason, a.Block, "upload message malformed")
			}
		})
	}
	c.Ping()
	if p := srv.Stats().Panics; p != 0 {
		t.Errorf("got %d panics, want 0", p)
	}
}

func TestFTPNoSession(t *testing.T) {
	srv, _, dir, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/") // no init, no cookie: no session
	res := c.Upload("x", []byte("x"), nitrotest.UploadSid("forged"))
	if res.Last.Status != "error" || res.Last.Reason != "upload without a session" {
		t.Errorf("got %s %q, want error %q", res.Last.Status, res.Last.Reason, "upload without a session")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("upload without a session stored %d entries", len(entries))
	}
}

// FuzzFTP runs hostile BERT frames through the upload protocol: it must
// answer every {ftp, ...} with an ftpack, never panic, and store nothing
// outside its directory.
func FuzzFTP(f *testing.F) {
	f.Add(bert.Encode(ftpMsg("a.txt", 3, 0, nil, "init")))
	f.Add(bert.Encode(ftpMsg("../b", 3, 0, []byte("abc"), "send")))
	f.Add(bert.Encode(ftpMsg("c", 2, 0, []byte("abc"), "send", bert.Tuple(bert.Atom("sha256"), bert.BinString("00")))))
	f.Add(bert.Encode(bert.Tuple(bert.Atom("ftp"), bert.Int(1))))
	root := f.TempDir()
	dir := filepath.Join(root, "up")
	uploads := ftp.New(ftp.Config{Dir: dir, MaxSize: 4096, Logger: slog.New(slog.DiscardHandler)})
	srv, err := nitro.New(nitro.Config{Keys: nitrotest.NewKeyRing(f), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	f.Fuzz(func(t *testing.T, frame []byte) {
		msg, err := bert.Decode(frame)
		if err != nil || !msg.Is("ftp", msg.Len()) {
			return
		}
		cx := srv.NewContext(httptest.NewRequest("GET", "/", nil).WithContext(t.Context()), "sid", "/", nil)
		reply, handled := uploads.Serve(cx, msg)
		if ack, ok := reply.Term(); !handled || !ok || !ack.Is("ftpack", 11) {
			t.Fatalf("%s: got %v (handled %v), want an ftpack", msg, ack, handled)
		}
		entries, _ := os.ReadDir(root)
		for _, e := range entries {
			if e.Name() != "up" {
				t.Fatalf("%s: stored %q outside the upload directory", msg, e.Name())
			}
		}
	})
}
