package ftp_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nitrogo/framework/internal/testlog"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/ftp"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// uploader is a page that shows upload progress and says where a file
// landed, as an app would.
var uploader = nitro.PageFunc(func(cx *nitro.Context, ev any) {
	if e, ok := ev.(ftp.Uploaded); ok {
		cx.Wire("qi('status').innerText='stored " + e.Name + "';")
	}
})

// uploadServer is a test server whose chain has the upload protocol.
type uploadServer struct {
	*nitrotest.Server
	ftp *ftp.Protocol
}

func mustServer(tb testing.TB, fcfg ftp.Config, cfg nitro.Config, pages map[string]nitro.Page) *uploadServer {
	tb.Helper()
	up := ftp.New(fcfg)
	cfg.Protocols = append(nitro.DefaultProtocols(), up)
	return &uploadServer{nitrotest.NewServer(tb, cfg, pages), up}
}

// mustUploadServer serves a recorded uploader at "/" with uploads in a
// fresh directory, which it returns.
func mustUploadServer(tb testing.TB, cfg ftp.Config) (*uploadServer, *nitrotest.Recorder, string, *testlog.Buffer) {
	tb.Helper()
	if cfg.Dir == "" {
		cfg.Dir = tb.TempDir()
	}
	logs := &testlog.Buffer{}
	rec := nitrotest.Record(uploader)
	srv := mustServer(tb, cfg, nitro.Config{Logger: slog.New(slog.NewTextHandler(logs, nil))},
		map[string]nitro.Page{"/": rec})
	return srv, rec, cfg.Dir, logs
}

// payload returns n bytes that differ block to block, so a block stored at
// the wrong offset shows.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/1000)
	}
	return b
}

func mustReadFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// partials lists the uploads in progress under dir.
func partials(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, ".partial"))
	if err != nil && !os.IsNotExist(err) {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func uploadEvents(rec *nitrotest.Recorder) (progress []ftp.Progress, done []ftp.Uploaded) {
	for _, ev := range rec.Events() {
		switch e := ev.(type) {
		case ftp.Progress:
			progress = append(progress, e)
		case ftp.Uploaded:
			done = append(done, e)
		}
	}
	return progress, done
}

func TestFTPUpload(t *testing.T) {
	srv, rec, dir, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/")
	c.Init()
	data := payload(600_000)
	res := c.Upload("report.bin", data, nitrotest.UploadID("up-1"))

	if !res.Done {
		t.Fatalf("upload not done: last ack %+v", res.Last)
	}
	wantAcks := []struct {
		status        string
		offset, block int64
	}{{"init", 0, 262144}, {"send", 262144, 262144}, {"send", 524288, 262144}, {"send", 600000, 0}}
	if len(res.Acks) != len(wantAcks) {
		t.Fatalf("got %d acks, want %d: %+v", len(res.Acks), len(wantAcks), res.Acks)
	}
	for i, w := range wantAcks {
		a := res.Acks[i]
		if a.Status != w.status || a.Offset != w.offset || a.Block != w.block || a.ID != "up-1" || a.Size != 600000 {
			t.Errorf("ack %d: got %+v, want status %s offset %d block %d", i, a, w.status, w.offset, w.block)
		}
	}
	if got := mustReadFile(t, filepath.Join(dir, "report.bin")); !bytes.Equal(got, data) {
		t.Errorf("stored file: %d bytes, differs from the %d sent", len(got), len(data))
	}
	if p := partials(t, dir); len(p) != 0 {
		t.Errorf("partial files left: %v", p)
	}

	progress, done := uploadEvents(rec)
	wantProgress := []int64{262144, 524288, 600000}
	if len(progress) != len(wantProgress) {
		t.Fatalf("got %d UploadProgress, want %d: %+v", len(progress), len(wantProgress), progress)
	}
	for i, p := range progress {
		if p.Offset != wantProgress[i] || p.Size != 600000 || p.Name != "report.bin" || p.ID != "up-1" {
			t.Errorf("progress %d: got %+v, want offset %d", i, p, wantProgress[i])
		}
	}
	want := ftp.Uploaded{ID: "up-1", Name: "report.bin", Path: filepath.Join(dir, "report.bin"), Size: 600000}
	if len(done) != 1 || done[0] != want {
		t.Errorf("Uploaded events: got %+v, want [%+v]", done, want)
	}
	// The page's JavaScript came in an io frame of its own, before the last ack.
	if len(res.IO) != 1 || !strings.Contains(res.IO[0].JS, "stored report.bin") {
		t.Errorf("io frames during upload: got %+v, want one with the page's JS", res.IO)
	}
}

func TestFTPResume(t *testing.T) {
	srv, rec, dir, _ := mustUploadServer(t, ftp.Config{})
	data := payload(600_000)
	first := srv.Dial("/")
	first.Init()
	res := first.Upload("big.bin", data, nitrotest.UploadStopAfter(2))
	if res.Done || res.Last.Offset != 524288 {
		t.Fatalf("stopped upload: got done %v offset %d, want not done at 524288", res.Done, res.Last.Offset)
	}
	token := first.Token()
	first.Close() // the dropped connection

	t.Run("another session starts over", func(t *testing.T) {
		other := srv.Dial("/")
		other.Init()
		// The Sid field is not trusted: the other session's upload is its own.
		res := other.Upload("big.bin", data, nitrotest.UploadSid(token), nitrotest.UploadStopAfter(1))
		if res.Acks[0].Offset != 0 {
			t.Errorf("other session's init: got offset %d, want 0", res.Acks[0].Offset)
		}
	})

	again := srv.Dial("/", nitrotest.WithToken(token))
	again.Init()
	res = again.Upload("big.bin", data)
	if !res.Done {
		t.Fatalf("resumed upload not done: last ack %+v", res.Last)
	}
	if res.Acks[0].Offset != 524288 || res.Blocks != 1 {
		t.Errorf("resume: got init offset %d and %d blocks sent, want 524288 and 1", res.Acks[0].Offset, res.Blocks)
	}
	if got := mustReadFile(t, filepath.Join(dir, "big.bin")); !bytes.Equal(got, data) {
		t.Errorf("resumed file: %d bytes, not byte-identical to the %d sent", len(got), len(data))
	}
	if _, done := uploadEvents(rec); len(done) != 1 {
		t.Errorf("got %d Uploaded events, want 1", len(done))
	}
}

// ftpMsg builds {ftp, ...} as N2O's client sends it.
func ftpMsg(name string, size, off int64, data []byte, status string, opts ...bert.Term) bert.Term {
	return bert.Tuple(bert.Atom("ftp"), bert.BinString("id"), bert.BinString("token"), bert.BinString(name),
		bert.Bin(nil), bert.Int(size), bert.Int(off), bert.Int(262144), bert.Bin(data), bert.BinString(status), bert.List(opts...))
}

func TestFTPOffsets(t *testing.T) {
	srv, _, dir, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/")
	c.Init()
	data := payload(300)
	steps := []struct {
		name    string
		off     int64
		data    []byte
		wantOff int64
	}{
		{"ahead of the server", 100, data[100:200], 0},
		{"first block", 0, data[:100], 100},
		{"the same block again", 0, data[:100], 100},
		{"behind and empty", 50, nil, 100},
		{"second block", 100, data[100:200], 200},
		{"a lie about the offset", 300, data[200:], 200},
		{"last block", 200, data[200:], 300},
	}
	for _, s := range steps {
		c.Send(ftpMsg("o.bin", 300, s.off, s.data, "send"))
		if a := c.NextAck(); a.Status == "error" || a.Offset != s.wantOff {
			t.Errorf("%s: got %s at offset %d, want offset %d", s.name, a.Status, a.Offset, s.wantOff)
		}
	}
	if got := mustReadFile(t, filepath.Join(dir, "o.bin")); !bytes.Equal(got, data) {
		t.Errorf("stored file differs from the one sent")
	}
}

func TestFTPHostileNames(t *testing.T) {
	srv, rec, dir, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/")
	c.Init()
	names := []string{"../../etc/passwd", `..\..\x`, "/abs", "a\x00b", strings.Repeat("long", 100) + ".txt",
		"Zoë 📄 résumé.pdf", "..", ".hidden", "", "CON.txt", "a/../../b", "x\u202Etxt.exe", "C:\\Windows\\evil.dll"}
	for _, name := range names {
		res := c.Upload(name, []byte("hostile: "+name))
		if !res.Done {
			t.Errorf("upload %q: not done: %+v", name, res.Last)
		}
	}
	_, done := uploadEvents(rec)
	if len(done) != len(names) {
		t.Fatalf("got %d Uploaded events, want %d", len(done), len(names))
	}
	for i, e := range done {
		rel, err := filepath.Rel(dir, e.Path)
		if err != nil || rel != e.Name || !filepath.IsLocal(rel) || strings.ContainsAny(rel, `/\`) {
			t.Errorf("upload %q stored at %q: not a plain name in the upload directory", names[i], e.Path)
		}
		if got := string(mustReadFile(t, e.Path)); got != "hostile: "+names[i] {
			t.Errorf("upload %q: stored %q", names[i], got)
		}
	}
	if done[0].Name != "passwd" {
		t.Errorf("../../etc/passwd: stored as %q, want passwd", done[0].Name)
	}
}

func TestFTPNeverOverwrites(t *testing.T) {
	srv, _, dir, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/")
	c.Init()
	for i, want := range []string{"a.txt", "a-1.txt", "a-2.txt"} {
		res := c.Upload("a.txt", []byte{byte('0' + i)})
		if res.Last.Filename != want {
			t.Errorf("upload %d: stored as %q, want %q", i, res.Last.Filename, want)
		}
	}
	for i, name := range []string{"a.txt", "a-1.txt", "a-2.txt"} {
		if got := mustReadFile(t, filepath.Join(dir, name)); string(got) != string(rune('0'+i)) {
			t.Errorf("%s: got %q, want %q", name, got, string(rune('0'+i)))
		}
	}
}

func TestFTPLimits(t *testing.T) {
	srv, rec, dir, logs := mustUploadServer(t, ftp.Config{MaxSize: 1000})
	c := srv.Dial("/")
	c.Init()
	tests := []struct {
		name, reason string
		msgs         []bert.Term
	}{
		{"larger than MaxSize", "upload too large", []bert.Term{ftpMsg("big", 1001, 0, nil, "init")}},
		{"block beyond Size", "upload block beyond its size",
			[]bert.Term{ftpMsg("b", 10, 0, nil, "init"), ftpMsg("b", 10, 0, payload(11), "send")}},
		{"block larger than the block size", "upload block too large",
			[]bert.Term{ftpMsg("c", 1000, 0, payload(262145), "send")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a nitrotest.Ack
			for _, m := range tt.msgs {
				c.Send(m)
				a = c.NextAck()
			}
			if a.Status != "error" || a.Reason != tt.reason || a.Block != 0 {
				t.Errorf("got %s %q block %d, want error %q block 0", a.Status, a.Reason, a.Block, tt.reason)
			}
		})
	}
	c.Ping() // the connection lives on
	if !strings.Contains(logs.String(), "upload refused") {
		t.Errorf("no log line for the refusals; log:\n%s", logs)
	}
	if _, done := uploadEvents(rec); len(done) != 0 {
		t.Errorf("refused uploads raised Uploaded: %+v", done)
	}
	if res := c.Upload("ok", payload(1000)); !res.Done {
		t.Errorf("upload of MaxSize bytes: not done: %+v", res.Last)
	}
	if _, err := os.Stat(filepath.Join(dir, "big")); err == nil {
		t.Errorf("a refused upload was stored")
	}
}

func TestFTPHash(t *testing.T) {
	srv, rec, dir, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/")
	c.Init()
	data := payload(300_000)
	sum := sha256.Sum256(data)
	good := hex.EncodeToString(sum[:])
	bad := strings.Repeat("0", 64)

	if res := c.Upload("h.bin", data, nitrotest.UploadSHA256(strings.ToUpper(good))); !res.Done {
		t.Errorf("matching sha256: not done: %+v", res.Last)
	}
	res := c.Upload("h.bin", data, nitrotest.UploadSHA256(bad))
	if res.Last.Status != "error" || res.Last.Reason != "upload hash mismatch" || res.Last.Offset != 0 {
		t.Errorf("wrong sha256: got %s %q offset %d, want error %q offset 0",
			res.Last.Status, res.Last.Reason, res.Last.Offset, "upload hash mismatch")
	}
	if p := partials(t, dir); len(p) != 0 {
		t.Errorf("the mismatched upload left partial files: %v", p)
	}
	if _, err := os.Stat(filepath.Join(dir, "h-1.bin")); err == nil {
		t.Errorf("the mismatched upload was stored")
	}
	if _, done := uploadEvents(rec); len(done) != 1 {
		t.Errorf("got %d Uploaded events, want 1", len(done))
	}
}

func TestFTPEmptyFile(t *testing.T) {
	srv, rec, dir, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/")
	c.Init()
	res := c.Upload("empty.txt", nil)
	if !res.Done || len(res.Acks) != 1 || res.Last.Status != "init" {
		t.Errorf("empty file: got %+v, want one init ack that completes it", res.Acks)
	}
	if got := mustReadFile(t, filepath.Join(dir, "empty.txt")); len(got) != 0 {
		t.Errorf("empty file stored %d bytes", len(got))
	}
	if _, done := uploadEvents(rec); len(done) != 1 {
		t.Errorf("got %d Uploaded events, want 1", len(done))
	}
}
