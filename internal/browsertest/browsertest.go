// Package browsertest runs browser tests in a real headless Chromium,
// driven with chromedp.
//
// Where no Chromium is installed the tests skip, saying how to install it,
// except when the environment has CI=true: there a missing browser fails
// the run, so CI can never pass by skipping them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Timeout bounds one browser test.
var Timeout = 60 * time.Second

// Browser is a running headless Chromium.
type Browser struct {
	ctx context.Context
}

// Find returns the path of a Chromium to drive, or "".
func Find() string {
	if p := os.Getenv("NITRO_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Start starts a headless Chromium for the test, and stops it when the
// test ends. Without one it skips the test, or fails it under CI=true.
func Start(tb testing.TB) *Browser {
	tb.Helper()
	path := Find()
	if path == "" {
		msg := "browser tests need Chromium: install it with `apt-get install -y chromium` (or set NITRO_CHROMIUM to its path)"
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(tb.TempDir()),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(ctx); err != nil { // start the browser now
		cancel()
		cancelAlloc()
		tb.Fatalf("starting Chromium at %s: %v", path, err)
	}
	tb.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return &Browser{ctx: ctx}
}

// NewTab opens a tab in a fresh browser context (its own cookies and
// storage: another user) and returns a context for chromedp.Run in it,
// bounded by Timeout.
func (b *Browser) NewTab(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, Timeout)
	tb.Cleanup(func() {
		cancelTimeout()
		cancel()
	})
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("opening a tab: %v", err)
	}
	return ctx
}
