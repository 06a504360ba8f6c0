package ftp

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/limit"
	"golang.org/x/time/rate"
)

// Config configures file uploads. Its zero value works: files land in
// "uploads", up to 64 MiB each.
//
// An upload in progress is a partial file in Dir/.partial, named for the
// session, the file's name and its size; a completed upload is moved to
// Dir under its sanitised name, never over an existing file. Partial files
// of uploads abandoned for PartialTTL are removed.
type Config struct {
	// Dir is where uploaded files land. Empty means "uploads".
	Dir string
	// MaxSize is the largest file accepted, in bytes. Zero means 64 MiB.
	MaxSize int64
	// Rate limits how fast one connection uploads, in bytes per second:
	// the ack of a block waits until the rate allows it. Zero means no
	// limit.
	Rate int64
	// PartialTTL is how long an upload may stay unfinished and untouched
	// before its partial file is removed. Zero means 24 hours.
	PartialTTL time.Duration
	// SessionBytes is how many bytes a session may upload in an hour,
	// all its files together (at least a block, 256 KiB). Zero means
	// 1 GiB; negative, no limit.
	SessionBytes int64
	// SessionFiles is how many uploads a session may start in a minute.
	// Zero means 20; negative, no limit.
	SessionFiles int
	// Logger receives what the protocol logs. Nil means the server's
	// logger for the component "ftp".
	Logger *slog.Logger
}

// uploadBlock is the block size the server asks for: N2O's 256 KiB. A
// block and its frame stay well under the default ReadLimit (1 MiB).
const uploadBlock = 256 << 10

// partialDir holds uploads in progress. Sanitised names never start with
// a dot, so no completed upload can take its name.
const partialDir = ".partial"

// doneDir holds the records of stored uploads (see upload.doneFile).
const doneDir = ".done"

// The reasons an upload is refused. The browser gets the text after the
// prefix; the log gets the detail.
var (
	ErrNoSession = errors.New("ftp: upload without a session")
	ErrRefused   = errors.New("ftp: this page takes no uploads")
	ErrTooLarge  = errors.New("ftp: upload too large")
	ErrBadField  = errors.New("ftp: upload message malformed")
	ErrBeyond    = errors.New("ftp: upload block beyond its size")
	ErrBlock     = errors.New("ftp: upload block too large")
	ErrHash      = errors.New("ftp: upload hash mismatch")
	ErrStorage   = errors.New("ftp: upload storage failed")
	ErrQuota     = errors.New("ftp: upload quota exceeded, try again later")
)

// uploads stores the server's uploads. Its disk is the state: the offset
// of an upload is the size of its partial file, so a resumed upload (a new
// connection, or another process on the same disk) continues where the
// file ends. A lock per upload keeps two connections of one session from
// writing the same file at once.
type uploads struct {
	dir  string
	max  int64
	rate int64
	ttl  time.Duration
	log  *slog.Logger

	bytes, files limit.PerSession // the session's quotas

	mu   sync.Mutex
	busy map[string]*uploadLock
}

type uploadLock struct {
	sync.Mutex
	refs int
}

func newUploads(cfg Config) *uploads {
	u := &uploads{dir: cfg.Dir, max: cfg.MaxSize, rate: cfg.Rate, ttl: cfg.PartialTTL, log: cfg.Logger, busy: map[string]*uploadLock{}}
	if u.ttl <= 0 {
		u.ttl = 24 * time.Hour
	}
	if u.dir == "" {
		u.dir = "uploads"
	}
	if u.max <= 0 {
		u.max = 64 << 20
	}
	switch b := cfg.SessionBytes; {
	case b == 0:
		b = 1 << 30
		fallthrough
	case b > 0: // an hour's worth at once, refilled over the hour
		u.bytes = limit.PerSession{Rate: rate.Limit(float64(b) / 3600), Burst: int(max(b, uploadBlock)), Idle: time.Hour}
	}
	switch n := cfg.SessionFiles; {
	case n == 0:
		n = 20
		fallthrough
	case n > 0:
		u.files = limit.PerSession{Rate: rate.Limit(float64(n) / 60), Burst: n, Idle: time.Minute}
	}
	return u
}

// sweep removes the partial files (and their announced hashes) of uploads
// untouched for the TTL, and returns how many uploads it removed.
func (u *uploads) sweep(now time.Time) int {
	n := u.sweepDir(filepath.Join(u.dir, partialDir), now)
	u.sweepDir(filepath.Join(u.dir, doneDir), now)
	if n > 0 && u.log != nil {
		u.log.Info("ftp: removed abandoned uploads", "count", n)
	}
	return n
}

func (u *uploads) sweepDir(dir string, now time.Time) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || now.Sub(info.ModTime()) < u.ttl {
			continue
		}
		key, _, _ := strings.Cut(e.Name(), ".")
		release := u.lock(key)
		if os.Remove(filepath.Join(dir, e.Name())) == nil && !strings.Contains(e.Name(), ".") {
			n++
		}
		release()
	}
	return n
}

// logger is the protocol's logger: Config.Logger, else the server's.
func (u *uploads) logger(cx *nitro.Context) *slog.Logger {
	if u.log != nil {
		return u.log
	}
	return cx.Server().Logger("ftp")
}

// uploadNext is when a connection's upload rate allows its next block.
var uploadNext = nitro.NewLocal[time.Time]("ftp.next")

// pace waits until the connection's upload rate allows n more bytes.
func (u *uploads) pace(cx *nitro.Context, n int) {
	if u.rate <= 0 {
		return
	}
	now := time.Now()
	next, _ := uploadNext.Get(cx)
	if next.Before(now) {
		next = now
	}
	uploadNext.Set(cx, next.Add(time.Duration(int64(n)*int64(time.Second)/u.rate)))
	if d := next.Sub(now); d > 0 {
		time.Sleep(d)
	}
}

// lock takes the lock of upload key, and returns its release.
func (u *uploads) lock(key string) func() {
	u.mu.Lock()
	l := u.busy[key]
	if l == nil {
		l = &uploadLock{}
		u.busy[key] = l
	}
	l.refs++
	u.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		u.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(u.busy, key)
		}
		u.mu.Unlock()
	}
}

// upload is one file of one session, as its partial file names it.
type upload struct {
	u    *uploads
	key  string // hex sha256 of sid, name and size
	name string // sanitised
	size int64
}

func (u *uploads) upload(sid, name string, size int64) upload {
	h := sha256.New()
	// Lengths first: no choice of name can make two uploads' keys meet.
	fmt.Fprintf(h, "%d:%s|%d:%s|%d", len(sid), sid, len(name), name, size)
	return upload{u: u, key: hex.EncodeToString(h.Sum(nil)), name: name, size: size}
}

func (up upload) partial() string { return filepath.Join(up.u.dir, partialDir, up.key) }

// doneFile records that the upload with this id was stored, and under
// which name: a client whose connection dropped while the last block was
// acked resumes with an init, and must hear "complete", not start again.
// The sweep removes it after PartialTTL.
func (up upload) doneFile(id string) string {
	sum := sha256.Sum256([]byte(id))
	return filepath.Join(up.u.dir, doneDir, up.key+"."+hex.EncodeToString(sum[:8]))
}

// stored returns the name an upload with this id was stored under, if it
// was.
func (up upload) stored(id string) (string, bool) {
	b, err := os.ReadFile(up.doneFile(id))
	if err != nil || len(b) == 0 {
		return "", false
	}
	return string(b), true
}
func (up upload) hashFile() string { return up.partial() + ".sha256" }

// offset is how many bytes the server holds: where the next block starts.
func (up upload) offset() (int64, error) {
	fi, err := os.Stat(up.partial())
	switch {
	case errors.Is(err, os.ErrNotExist):
		return 0, nil
	case err != nil:
		return 0, err
	}
	return fi.Size(), nil
}

// write stores data at off, which must be the server's offset, and returns
// the new offset.
func (up upload) write(off int64, data []byte) (int64, error) {
	if err := os.MkdirAll(filepath.Join(up.u.dir, partialDir), 0o750); err != nil {
		return off, err
	}
	f, err := os.OpenFile(up.partial(), os.O_WRONLY|os.O_CREATE, 0o640)
	if err != nil {
		return off, err
	}
	if _, err := f.WriteAt(data, off); err != nil {
		f.Close()
		return off, err
	}
	return off + int64(len(data)), f.Close()
}

// expect remembers the sha256 the client announced, beside the partial
// file, so it outlives the connection that gave it.
func (up upload) expect(sum string) error {
	if err := os.MkdirAll(filepath.Join(up.u.dir, partialDir), 0o750); err != nil {
		return err
	}
	return os.WriteFile(up.hashFile(), []byte(sum), 0o640)
}

// discard removes the partial file and its expected hash.
func (up upload) discard() {
	os.Remove(up.partial())
	os.Remove(up.hashFile())
}

// finish verifies a complete partial file against its announced hash, if
// any, and moves it to Dir under a name no other file has. It returns the
// final name and path.
func (up upload) finish() (name, path string, err error) {
	if want, err := os.ReadFile(up.hashFile()); err == nil {
		got, err := fileSHA256(up.partial())
		if err != nil {
			return "", "", err
		}
		if got != string(want) {
			up.discard()
			return "", "", ErrHash
		}
	}
	for i := 0; i < 1000; i++ {
		name = numbered(up.name, i)
		path = filepath.Join(up.u.dir, name)
		// Reserve the name first: O_EXCL fails on an existing file, where
		// a bare rename would replace it.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		f.Close()
		if err := os.Rename(up.partial(), path); err != nil {
			os.Remove(path)
			return "", "", err
		}
		os.Remove(up.hashFile())
		return name, path, nil
	}
	return "", "", fmt.Errorf("no free name for %q", up.name)
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// numbered returns name for i = 0, and name with -i before its extension
// otherwise: a.txt, a-1.txt, a-2.txt.
func numbered(name string, i int) string {
	if i == 0 {
		return name
	}
	ext := filepath.Ext(name)
	if ext == name { // no stem: never the case for a sanitised name
		ext = ""
	}
	return strings.TrimSuffix(name, ext) + "-" + strconv.Itoa(i) + ext
}

// writeFile writes a small file, making its directory first.
func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o640)
}
