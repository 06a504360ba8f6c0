package ftp_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/ftp"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// TestFTPRate: with a rate limit, the acks come no faster than the rate
// allows. Only a lower bound is checked, so a slow machine cannot fail it.
func TestFTPRate(t *testing.T) {
	const rate = 2 << 20 // bytes per second
	srv, _, dir, _ := mustUploadServer(t, ftp.Config{Rate: rate})
	c := srv.Dial("/")
	c.Init()
	data := payload(3 * 262144) // three blocks
	start := time.Now()
	res := c.Upload("slow.bin", data)
	elapsed := time.Since(start)
	if !res.Done {
		t.Fatalf("upload not done: %+v", res.Last)
	}
	// The first block passes at once; the second and third wait for the
	// bytes before them: 2 × 256 KiB at 2 MiB/s.
	if min := 2 * 262144 * time.Second / rate; elapsed < min {
		t.Errorf("uploaded %d bytes in %v at a limit of %d B/s, want at least %v", len(data), elapsed, rate, min)
	}
	if got := mustReadFile(t, filepath.Join(dir, "slow.bin")); len(got) != len(data) {
		t.Errorf("stored %d bytes, want %d", len(got), len(data))
	}
}

// TestFTPSweep: an upload abandoned past PartialTTL loses its partial
// file; a recent one keeps it.
func TestFTPSweep(t *testing.T) {
	srv, _, dir, _ := mustUploadServer(t, ftp.Config{PartialTTL: time.Hour})
	c := srv.Dial("/")
	c.Init()
	c.Upload("old.bin", payload(600_000), nitrotest.UploadStopAfter(1))
	c.Upload("new.bin", payload(600_000), nitrotest.UploadStopAfter(1))
	p := partials(t, dir)
	if len(p) != 2 {
		t.Fatalf("partial files: got %v, want 2", p)
	}
	// Age one of them past the TTL.
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, ".partial", p[0]), old, old); err != nil {
		t.Fatal(err)
	}
	if n := srv.ftp.Sweep(time.Now()); n != 1 {
		t.Errorf("swept %d uploads, want 1", n)
	}
	if left := partials(t, dir); len(left) != 1 || left[0] != p[1] {
		t.Errorf("left: got %v, want [%s]", left, p[1])
	}
}

// TestFTPLastAckLost: the connection drops after the server stored the
// file but before the client heard its last ack. The client's resume (an
// init with the same id) hears "complete", and nothing is stored twice.
func TestFTPLastAckLost(t *testing.T) {
	srv, rec, dir, _ := mustUploadServer(t, ftp.Config{})
	c := srv.Dial("/")
	c.Init()
	data := payload(300_000)
	if res := c.Upload("once.bin", data, nitrotest.UploadID("same")); !res.Done {
		t.Fatalf("first upload not done: %+v", res.Last)
	}
	c.Close()
	again := srv.Dial("/", nitrotest.WithToken(c.Token()))
	again.Init()
	res := again.Upload("once.bin", data, nitrotest.UploadID("same"))
	if !res.Done || res.Blocks != 0 || res.Last.Filename != "once.bin" {
		t.Errorf("resume of a stored upload: got done %v after %d blocks as %q, want done at init as once.bin", res.Done, res.Blocks, res.Last.Filename)
	}
	if _, err := os.Stat(filepath.Join(dir, "once-1.bin")); err == nil {
		t.Error("the file was stored twice")
	}
	if _, done := uploadEvents(rec); len(done) != 1 {
		t.Errorf("Uploaded events: got %d, want 1", len(done))
	}
	// A new upload (another id) of the same name is a new file.
	if res := again.Upload("once.bin", data, nitrotest.UploadID("other")); !res.Done || res.Last.Filename != "once-1.bin" {
		t.Errorf("a new upload of the same name: got %q, want once-1.bin", res.Last.Filename)
	}
}

// closedPage takes no uploads.
type closedPage struct{ nitro.PageFunc }

func (closedPage) AcceptUploads(*nitro.Context) bool { return false }

// TestFTPPageRefuses: a page that says it takes no uploads gets none, and
// nothing is stored.
func TestFTPPageRefuses(t *testing.T) {
	dir := t.TempDir()
	srv := mustServer(t, ftp.Config{Dir: dir}, nitro.Config{},
		map[string]nitro.Page{"/": closedPage{func(*nitro.Context, any) {}}})
	c := srv.Dial("/")
	c.Init()
	res := c.Upload("x.bin", payload(1000))
	if res.Done || res.Last.Status != "error" || res.Last.Reason != "this page takes no uploads" {
		t.Errorf("got %+v, want an error ack saying the page takes no uploads", res.Last)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("stored %d entries", len(entries))
	}
	c.Ping()
}

// TestFTPQuotas: a session may start so many uploads a minute and send so
// many bytes an hour; past either, an upload is refused with a reason the
// page shows, and nothing more is stored.
func TestFTPQuotas(t *testing.T) {
	t.Run("files a minute", func(t *testing.T) {
		srv, _, _, _ := mustUploadServer(t, ftp.Config{SessionFiles: 2})
		c := srv.Dial("/")
		c.Init()
		for i, want := range []bool{true, true, false} {
			res := c.Upload(fmt.Sprintf("f%d.txt", i), []byte("data"))
			if res.Done != want {
				t.Fatalf("upload %d: done %v, want %v (%+v)", i, res.Done, want, res.Last)
			}
			if !want && res.Last.Reason != "upload quota exceeded, try again later" {
				t.Errorf("upload %d refused with %q", i, res.Last.Reason)
			}
		}
	})
	t.Run("bytes an hour", func(t *testing.T) {
		srv, _, dir, _ := mustUploadServer(t, ftp.Config{SessionBytes: 600_000})
		c := srv.Dial("/")
		c.Init()
		if res := c.Upload("small.bin", payload(500_000)); !res.Done {
			t.Fatalf("an upload under the quota: %+v", res.Last)
		}
		res := c.Upload("big.bin", payload(600_000))
		if res.Done || res.Last.Reason != "upload quota exceeded, try again later" {
			t.Errorf("an upload past the quota: %+v, want refused", res.Last)
		}
		if _, err := os.Stat(filepath.Join(dir, "big.bin")); err == nil {
			t.Error("the upload past the quota was stored")
		}
	})
}
