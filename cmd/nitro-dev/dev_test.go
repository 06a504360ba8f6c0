package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The integration tests build nitro-dev, copy testdata/tinyapp into a
// temporary module, and run nitro-dev on it, as a user would.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// mustNitroDev builds nitro-dev once per test binary.
func mustNitroDev(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds and runs nitro-dev: not in -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nitro-dev-test-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nitro-dev")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildFailure{out}
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

type buildFailure struct{ out []byte }

func (b *buildFailure) Error() string { return "building nitro-dev: " + string(b.out) }

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// mustCopyApp copies testdata/tinyapp into a temporary directory, a module
// of its own, and returns the directory.
func mustCopyApp(tb testing.TB) string {
	tb.Helper()
	dst := tb.TempDir()
	src := filepath.Join("testdata", "tinyapp")
	err := filepath.WalkDir(src, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, strings.TrimSuffix(rel, ".txt"))
		if e.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}

// devRun is a running nitro-dev.
type devRun struct {
	tb     testing.TB
	dir    string // the app
	url    string // the proxy
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{}
}

func (r *devRun) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

// startDev runs nitro-dev on a fresh copy of the tiny app, and waits until
// the proxy serves it.
func startDev(tb testing.TB) *devRun {
	tb.Helper()
	return startDevOn(tb, mustCopyApp(tb), ".", "version A", "-debounce", "50ms")
}

// startDevOn runs nitro-dev with flags on the app pkg in dir, and waits
// until the proxy serves a page containing want.
func startDevOn(tb testing.TB, dir, pkg, want string, flags ...string) *devRun {
	tb.Helper()
	bin := mustNitroDev(tb)
	addr, err := freeAddr()
	if err != nil {
		tb.Fatal(err)
	}
	r := &devRun{tb: tb, dir: dir, url: "http://" + addr, done: make(chan struct{})}
	r.cmd = exec.Command(bin, append(append([]string{"-addr", addr}, flags...), pkg)...)
	r.cmd.Dir = dir
	pr, pw := io.Pipe()
	r.cmd.Stdout, r.cmd.Stderr = pw, pw
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			r.mu.Lock()
			r.stderr.WriteString(sc.Text() + "\n")
			r.mu.Unlock()
		}
	}()
	if err := r.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	go func() {
		r.cmd.Wait()
		pw.Close()
		close(r.done)
	}()
	tb.Cleanup(func() {
		r.interrupt()
		if tb.Failed() {
			tb.Logf("nitro-dev's output:\n%s", r.log())
		}
	})
	r.waitBody(want)
	for i := 0; !strings.Contains(r.log(), "nitro-dev: built"); i++ {
		if i == 500 {
			tb.Fatal("nitro-dev did not log its first build")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return r
}

// interrupt sends nitro-dev SIGINT, as Ctrl-C does, and waits for it.
func (r *devRun) interrupt() {
	r.cmd.Process.Signal(os.Interrupt)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		r.cmd.Process.Kill()
		r.tb.Error("nitro-dev did not exit within 10s of SIGINT")
	}
}

func (r *devRun) get() string {
	resp, err := http.Get(r.url + "/")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// waitBody waits until the proxy serves a page containing want.
func (r *devRun) waitBody(want string) {
	r.tb.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		if got = r.get(); strings.Contains(got, want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.tb.Fatalf("the proxy serves %q, want it to contain %q", got, want)
}

// edit replaces old with new in the app's file name.
func (r *devRun) edit(name, old, new string) {
	r.tb.Helper()
	p := filepath.Join(r.dir, name)
	b, err := os.ReadFile(p)
	if err != nil {
		r.tb.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		r.tb.Fatalf("%s does not contain %q", name, old)
	}
	if err := os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		r.tb.Fatal(err)
	}
}

// events subscribes to the livereload stream and returns the events as
// "name data", as they come.
func (r *devRun) events() <-chan string {
	r.tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r.tb.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", r.url+"/_nitro/livereload", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.tb.Fatal(err)
	}
	ch := make(chan string, 64)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var name string
		for sc.Scan() {
			l := sc.Text()
			if v, ok := strings.CutPrefix(l, "event: "); ok {
				name = v
			} else if v, ok := strings.CutPrefix(l, "data: "); ok && name != "" {
				ch <- name + " " + v
				name = ""
			}
		}
	}()
	return ch
}

// next waits for the next event of one of the names.
func next(tb testing.TB, ch <-chan string, names ...string) string {
	tb.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case e := <-ch:
			for _, n := range names {
				if strings.HasPrefix(e, n+" ") {
					return e
				}
			}
		case <-timeout:
			tb.Fatalf("no %v event within 20s", names)
		}
	}
}

func TestEditRebuildsAndReloads(t *testing.T) {
	r := startDev(t)
	if got := r.get(); !strings.Contains(got, `<script src="/_nitro/livereload.js" defer></script></body>`) {
		t.Errorf("the page %q does not carry the livereload script", got)
	}
	ev := r.events()

	// While the app restarts, requests wait for it: none fails.
	stop := make(chan struct{})
	failed := make(chan string, 1)
	go func() {
		defer close(failed)
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := http.Get(r.url + "/")
			if err != nil {
				failed <- err.Error()
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				failed <- resp.Status
				return
			}
		}
	}()
	r.edit("main.go", "version A", "version B")
	next(t, ev, "reload")
	r.waitBody("version B")
	close(stop)
	if f, ok := <-failed; ok {
		t.Errorf("a request during the restart failed: %s", f)
	}

	// A build error: the overlay's event names the place, the old app
	// keeps serving.
	r.edit("main.go", `const version = "version B"`, `const version = "version B" +`)
	e := next(t, ev, "error")
	if !regexp.MustCompile(`"file":"main.go","line":\d+,"col":\d+,"message":"syntax error`).MatchString(e) {
		t.Errorf("error event %s does not locate the syntax error", e)
	}
	if got := r.get(); !strings.Contains(got, "version B") {
		t.Errorf("during the build error the proxy serves %q, want version B", got)
	}
	// A new page gets the error at once (the overlay survives a reload).
	if e2 := next(t, r.events(), "error"); e2 != e {
		t.Errorf("a late page got %s, want %s", e2, e)
	}

	// Fixing it clears the overlay.
	r.edit("main.go", `const version = "version B" +`, `const version = "version C"`)
	next(t, ev, "reload")
	r.waitBody("version C")
	select {
	case e := <-r.events():
		t.Errorf("after the fix a new page got %s, want no event", e)
	case <-time.After(300 * time.Millisecond):
	}

	// CSS alone: a css event, no reload. The proxy serves the CSS built
	// by esbuild, with a source map.
	r.edit("static/app.css", "rgb(0, 0, 255)", "rgb(255, 0, 0)")
	if e := next(t, ev, "reload", "css"); e != "css {}" {
		t.Errorf("after a CSS change got %s, want css", e)
	}
	resp, err := http.Get(r.url + "/static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	css, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(css, []byte("rgb(255, 0, 0)")) || !bytes.Contains(css, []byte("sourceMappingURL=data:")) {
		t.Errorf("the proxy serves the CSS as %q, want the new rule and an inline source map", css)
	}
}

// TestUpgradePassesThrough checks that a connection upgrade (WebSocket)
// goes through the proxy to the app.
func TestUpgradePassesThrough(t *testing.T) {
	r := startDev(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(r.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("status %s, want 101", resp.Status)
	}
	io.WriteString(conn, "ping\n")
	if got, err := br.ReadString('\n'); got != "ping\n" {
		t.Errorf("echo: got %q (%v), want %q", got, err, "ping\n")
	}
}

// TestAppFailsToStart checks that an app that exits at once shows its
// output in the overlay, and that fixing it brings it back.
func TestAppFailsToStart(t *testing.T) {
	r := startDev(t)
	ev := r.events()
	r.edit("main.go", `addr := os.Getenv("ADDR")`, `addr := os.Getenv("ADDR"); log.Fatal("no database")`)
	e := next(t, ev, "error")
	if !strings.Contains(e, "the app did not start") || !strings.Contains(e, "no database") {
		t.Errorf("error event %s, want the app's last words", e)
	}
	r.edit("main.go", `; log.Fatal("no database")`, "")
	next(t, ev, "reload")
	r.waitBody("version A")
}

// TestInterruptStopsApp checks that Ctrl-C leaves nothing running, and that
// the app's logs come through with a prefix.
func TestInterruptStopsApp(t *testing.T) {
	r := startDev(t)
	m := regexp.MustCompile(`\[\S+\] .*listening on \S+ pid (\d+)`).FindStringSubmatch(r.log())
	if m == nil {
		t.Fatalf("no prefixed log line from the app in:\n%s", r.log())
	}
	pid, _ := strconv.Atoi(m[1])
	r.interrupt()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("the app (pid %d) still runs after nitro-dev was interrupted", pid)
	}
}

// TestDebounce checks that a burst of saves makes one build.
func TestDebounce(t *testing.T) {
	r := startDev(t)
	before := strings.Count(r.log(), "nitro-dev: built")
	for i := range 5 {
		r.edit("main.go", `"version `, `"version `+strconv.Itoa(i))
		time.Sleep(5 * time.Millisecond)
	}
	r.waitBody("version 43210A")
	time.Sleep(300 * time.Millisecond)
	if n := strings.Count(r.log(), "nitro-dev: built") - before; n != 1 {
		t.Errorf("%d builds for a burst of 5 saves, want 1", n)
	}
}
