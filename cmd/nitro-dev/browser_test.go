package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nitrogo/framework/internal/browsertest"
)

// until evaluates a JavaScript condition every few milliseconds until it
// holds, across reloads of the page (an evaluation during a reload fails
// and is tried again), and returns when it first held.
func until(tb testing.TB, ctx context.Context, cond string, timeout time.Duration) time.Time {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
	tb.Fatalf("waiting %v for %s", timeout, cond)
	return time.Time{}
}

// TestBrowserReloads checks, in a real browser, that the page reloads by
// itself after an edit, shows and clears the build error overlay, and
// swaps a stylesheet without reloading.
func TestBrowserReloads(t *testing.T) {
	r := startDev(t)
	b := browsertest.Start(t)
	ctx := b.NewTab(t)
	browsertest.Do(t, ctx, chromedp.Navigate(r.url+"/"))
	until(t, ctx, `document.getElementById("v").textContent == "version A"`, 10*time.Second)
	// The marker goes with the page: it is gone once the page reloads.
	browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.marker = 1`))

	r.edit("main.go", "version A", "version B")
	until(t, ctx, `!window.marker && document.getElementById("v").textContent == "version B"`, 10*time.Second)

	browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.marker = 2`))
	r.edit("main.go", `const version = "version B"`, `const version = "version B" +`)
	until(t, ctx, `(function(){ var o = document.getElementById("nitro-livereload-overlay");
		return !!o && /main\.go:\d+:\d+: syntax error/.test(o.textContent) })()`, 10*time.Second)
	r.edit("main.go", `const version = "version B" +`, `const version = "version C"`)
	until(t, ctx, `!window.marker && !document.getElementById("nitro-livereload-overlay") &&
		document.getElementById("v").textContent == "version C"`, 10*time.Second)

	browsertest.Do(t, ctx, chromedp.Evaluate[chromedp.Void](`window.marker = 3`))
	r.edit("static/app.css", "rgb(0, 0, 255)", "rgb(255, 0, 0)")
	until(t, ctx, `window.marker == 3 && getComputedStyle(document.getElementById("v")).color == "rgb(255, 0, 0)"`, 10*time.Second)
}

// TestSpeed measures save → the browser showing the change: the median of
// 10 edits, with nitro-dev's default flags (-debounce 100ms). It runs with NITRO_DEV_SPEED=1, on a copy of the whole module
// running samples/chat (editing the login page's heading), or on the tiny
// app when there is no samples/chat:
//
//	NITRO_DEV_SPEED=1 go test -run TestSpeed -v ./cmd/nitro-dev
func TestSpeed(t *testing.T) {
	if os.Getenv("NITRO_DEV_SPEED") == "" {
		t.Skip("set NITRO_DEV_SPEED=1 to measure")
	}
	var r *devRun
	var file, find string
	if existing(filepath.Join("..", "..", "samples", "chat", "main.go")) != "" {
		dir := mustCopyModule(t, filepath.Join("..", ".."))
		r = startDevOn(t, dir, "./samples/chat", "Nitro chat")
		file, find = filepath.Join("samples", "login", "login.go"), `Text: "Nitro chat"`
		t.Log("measuring samples/chat, on a copy of the module")
	} else {
		r = startDevOn(t, mustCopyApp(t), ".", "version A")
		file, find = "main.go", `"version A"`
		t.Log("no samples/chat: measuring the tiny app")
	}
	b := browsertest.Start(t)
	ctx := b.NewTab(t)
	browsertest.Do(t, ctx, chromedp.Navigate(r.url+"/"))
	if file != "main.go" {
		// Nitro's client, bundled by esbuild in place of the app's copy, runs.
		until(t, ctx, `typeof qi == "function"`, 10*time.Second)
	}
	var took []time.Duration
	prev := find
	for i := range 10 {
		until(t, ctx, `document.readyState == "complete"`, 10*time.Second)
		time.Sleep(300 * time.Millisecond) // let the page settle and the stream connect
		mark := "speed" + strconv.Itoa(i)
		now := strings.Replace(find, `"Nitro chat"`, `"Nitro chat `+mark+`"`, 1)
		now = strings.Replace(now, `"version A"`, `"version A `+mark+`"`, 1)
		start := time.Now()
		r.edit(file, prev, now)
		seen := until(t, ctx, `document.body.innerText.includes("`+mark+`")`, 20*time.Second)
		took = append(took, seen.Sub(start))
		prev = now
	}
	sorted := slices.Clone(took)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	median := (sorted[4] + sorted[5]) / 2
	for l := range strings.Lines(r.log()) {
		if strings.Contains(l, "built in") {
			t.Log(strings.TrimSpace(l))
		}
	}
	t.Logf("save → browser: median %v of %v", median.Round(time.Millisecond), took)
	if median > 1500*time.Millisecond {
		t.Errorf("median %v, want ≤ 1.5s", median)
	}
}

// mustCopyModule copies the module at root (sources only) into a
// temporary directory.
func mustCopyModule(tb testing.TB, root string) string {
	tb.Helper()
	dst := tb.TempDir()
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if e.IsDir() {
			if rel != "." && (skipDir(e.Name()) || e.Name() == "data") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !e.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dst
}
