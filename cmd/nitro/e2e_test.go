package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrogo/framework/internal/browsertest"
)

// TestEndToEnd makes an app as a user would, with Nitro replaced by this
// checkout, and checks that what the README promises holds: go vet and
// go test pass, templ generate leaves layout_templ.go as it is, the
// browser test skips cleanly without Chromium (and fails under CI=true),
// and the app, started as nitro-dev starts it (ADDR), serves its page.
//
// Where Chromium is installed the app's tests run with CI=true, so its
// browser test runs and must pass; elsewhere they run with this test's CI.
// The go commands need the module proxy, or a module cache that holds
// what the app needs, as Nitro's own build does.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("makes, tests, builds and runs an app: not in -short")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "hello")
	var out bytes.Buffer
	if err := run([]string{"new", "-replace", root, "example.com/hello", dir}, &out, &out); err != nil {
		t.Fatalf("nitro new: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "go.sum")); err != nil {
		t.Errorf("no go.sum after go mod tidy: %v", err)
	}

	env := append(os.Environ(), "GOWORK=off")
	if browsertest.Find() != "" {
		env = append(env, "CI=true")
	}
	goCmd(t, dir, env, "vet", "./...")
	goCmd(t, dir, env, "test", "-count=1", "./...")

	layout := mustRead(t, filepath.Join(dir, "layout_templ.go"))
	goCmd(t, dir, env, "run", "github.com/a-h/templ/cmd/templ@"+templVersion, "generate")
	if got := mustRead(t, filepath.Join(dir, "layout_templ.go")); got != layout {
		t.Errorf("templ generate changed layout_templ.go: regenerate template/layout_templ.go.tmpl from template/layout.templ.tmpl")
	}

	// Without Chromium (nothing on the PATH) the browser test skips and
	// says how to install it; under CI=true it fails.
	testBin := filepath.Join(t.TempDir(), "hello.test")
	goCmd(t, dir, env, "test", "-c", "-o", testBin, ".")
	noBrowser := slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, "PATH=") || strings.HasPrefix(kv, "CI=") || strings.HasPrefix(kv, "NITRO_CHROMIUM=")
	})
	for _, ci := range []bool{false, true} {
		cmd := exec.Command(testBin, "-test.run=^TestBrowser", "-test.v")
		cmd.Dir, cmd.Env = dir, append(slices.Clone(noBrowser), "PATH=")
		if ci {
			cmd.Env = append(cmd.Env, "CI=true")
		}
		got, err := cmd.CombinedOutput()
		verdict := "--- SKIP"
		if ci {
			verdict = "--- FAIL"
		}
		if (err != nil) != ci || !bytes.Contains(got, []byte(verdict)) || !bytes.Contains(got, []byte("apt-get install -y chromium")) {
			t.Errorf("the browser test without Chromium, CI=%v: %v, want %s and how to install it:\n%s", ci, err, verdict, got)
		}
	}

	bin := filepath.Join(t.TempDir(), "hello")
	goCmd(t, dir, env, "build", "-o", bin, ".")
	addr := freeAddr(t)
	app := exec.Command(bin)
	app.Dir, app.Env = dir, append(env, "ADDR="+addr)
	logs := new(syncBuffer)
	app.Stdout, app.Stderr = logs, logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer app.Process.Kill() // if the test fails before stopping it
	waitListening(t, addr, exited, logs)

	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("<title>hello</title>")) || !bytes.Contains(body, []byte("<h1>Guestbook</h1>")) {
		t.Errorf("GET / answered %d:\n%s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'nonce-") {
		t.Errorf("Content-Security-Policy is %q, want scripts by nonce", csp)
	}
	if _, err := os.Stat(filepath.Join(dir, ".nitro", "keys")); err != nil {
		t.Errorf("the app kept no development key: %v", err)
	}

	// Stopped as nitro-dev stops it before a restart: it exits cleanly.
	if err := app.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the app exited with %v:\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Errorf("the app did not exit 10 s after an interrupt:\n%s", logs.String())
	}
}

// goCmd runs go with args in dir, failing the test if it fails.
func goCmd(tb testing.TB, dir string, env []string, args ...string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = dir, env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	tb.Logf("go %s: %v", strings.Join(args, " "), time.Since(start).Round(10*time.Millisecond))
}

// freeAddr returns a loopback address whose port is free now.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitListening waits until addr accepts connections, failing the test
// if the app exits first or takes more than 10 s.
func waitListening(tb testing.TB, addr string, exited <-chan error, logs *syncBuffer) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		select {
		case err := <-exited:
			tb.Fatalf("the app exited before listening on %s: %v\n%s", addr, err, logs)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the app is not listening on %s after 10 s:\n%s", addr, logs)
		}
	}
}

// syncBuffer is the app's output: written by os/exec's goroutines, read
// by the test at any time.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
