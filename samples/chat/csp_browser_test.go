package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/nitrogo/framework/internal/browsertest"
)

// reportViolations runs at the start of every document of the tab, before
// the page's scripts: it passes each CSP violation to the test.
const reportViolations = `document.addEventListener("securitypolicyviolation", function (e) {
	window.nitroCSPViolation(e.effectiveDirective + " blocked " + (e.blockedURI || "?") +
		" at " + e.sourceFile + ":" + e.lineNumber + ": " + e.sample);
}, true);`

// cspWatch collects what a tab reports of its Content-Security-Policy:
// the violations its documents see, and what the browser logs of them.
type cspWatch struct {
	mu         sync.Mutex
	violations []string
	console    []string // CSP messages and the client's errors
}

func (w *cspWatch) add(list *[]string, s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	*list = append(*list, s)
}

func (w *cspWatch) got() (violations, console []string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.violations...), append([]string(nil), w.console...)
}

// mustWatchCSP starts watching the tab, before it loads anything.
func mustWatchCSP(tb testing.TB, ctx context.Context) *cspWatch {
	tb.Helper()
	w := &cspWatch{}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return // the tab is gone
			}
			if strings.Contains(m.Text, "Content Security Policy") || strings.Contains(m.Text, "nitro:") || m.IsException() {
				w.add(&w.console, m.String())
			}
		}
	}()
	browsertest.Do(tb, ctx, chromedp.ExposeFunc("nitroCSPViolation", func(_ context.Context, v string) (chromedp.Void, error) {
		w.add(&w.violations, v)
		return chromedp.Void{}, nil
	}))
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: reportViolations}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if tb.Failed() { // a step that timed out may have been blocked: say what was
			v, c := w.got()
			tb.Logf("CSP violations: %q\nconsole: %q", v, c)
		}
	})
	return w
}

// TestBrowserCSP runs the chat, login page included, through all it does
// in Chromium under its Content-Security-Policy, which allows no eval and
// no script without the page's nonce: each step is JavaScript the server
// sends, so each step seen done is that JavaScript run, and nothing may
// be blocked on the way.
func TestBrowserCSP(t *testing.T) {
	b := browsertest.Start(t)
	hs := startChat(t)

	// Every page the chat paints has a policy that forbids eval and inline
	// script, or the rest of the test proves nothing.
	for _, path := range []string{"/login", "/"} {
		resp, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		csp := resp.Header.Get("Content-Security-Policy")
		var scripts string
		for d := range strings.SplitSeq(csp, ";") {
			if f := strings.Fields(d); len(f) > 0 && f[0] == "script-src" {
				scripts = strings.Join(f[1:], " ")
			}
		}
		if !strings.HasPrefix(scripts, "'nonce-") || strings.Contains(scripts, "unsafe-") {
			t.Fatalf("GET %s: Content-Security-Policy %q", path, csp)
		}
	}

	ctx := b.NewTab(t)
	watch := mustWatchCSP(t, ctx)

	// The login page: a blank name passes the browser's check but not the
	// server's, which answers with an alert; then a name logs in and the
	// server sends the browser on.
	browsertest.Do(t, ctx, chromedp.Navigate(hs.URL+"/login"))
	browsertest.WaitFor(t, ctx, `!!(window.qi && qi("loginButton") && qi("loginButton").__nitro_click)`)
	browsertest.Eval[bool](t, ctx, `window.alert = function (m) { window.alerted = m }; true`)
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#user"), "   "), chromedp.Click(chromedp.CSS("#loginButton")))
	browsertest.WaitFor(t, ctx, `window.alerted === "Please give a name."`)
	browsertest.Do(t, ctx,
		chromedp.SetValue(chromedp.CSS("#user"), "ann"),
		chromedp.SetValue(chromedp.CSS("#pass"), "kitchen"),
		chromedp.Click(chromedp.CSS("#loginButton")),
	)
	browsertest.WaitFor(t, ctx, `location.pathname === "/room"`)
	browsertest.WaitFor(t, ctx, live)
	browsertest.WaitFor(t, ctx, `qi("members").textContent.indexOf("ann") >= 0 && document.activeElement === qi("message")`)

	// A message goes out and comes back into the history.
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#message"), "hello under CSP"), chromedp.Click(chromedp.CSS("#send")))
	browsertest.WaitFor(t, ctx, historyTexts+`.indexOf("hello under CSP") >= 0`)

	// A file goes up, and its link comes back.
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ctx, chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{file}), chromedp.Click(chromedp.CSS("#upload-start")))
	browsertest.WaitFor(t, ctx, `!!document.querySelector('#history a[href="/files/notes.txt"]') && qi("upload-status").textContent === "sent"`)

	// Logging out sends the browser back to a live login page.
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS("#logout")))
	browsertest.WaitFor(t, ctx, `location.pathname === "/login"`)
	browsertest.WaitFor(t, ctx, `!!(window.qi && qi("loginButton") && qi("loginButton").__nitro_click)`)

	// The watch sees what the policy blocks: eval, and an inline handler.
	// They run from a timer, as the page's own code does: what DevTools
	// evaluates is exempt from the policy. (Chromium lets a trusted script
	// insert a script element without the nonce: 'strict-dynamic'.)
	browsertest.Eval[bool](t, ctx, `setTimeout(function () {
		try { new Function("window.evalRan = true")(); } catch (e) {}
		var d = document.createElement("div");
		d.setAttribute("onclick", "window.handlerRan = true");
		d.click();
		window.checked = true;
	}, 0), true`)
	browsertest.WaitFor(t, ctx, `window.checked === true`)
	if browsertest.Eval[bool](t, ctx, `!!(window.evalRan || window.handlerRan)`) {
		t.Error("eval or an inline handler ran: the page has no policy")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v, _ := watch.got(); len(v) >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Nothing but the check's two was blocked, all the way.
	violations, console := watch.got()
	slices.Sort(violations) // Chromium reports the two in either order
	if len(violations) != 2 || !strings.HasPrefix(violations[0], "script-src blocked eval") ||
		!strings.HasPrefix(violations[1], "script-src-attr blocked inline") {
		t.Errorf("CSP violations: %q, want only the check's eval and inline handler", violations)
	}
	for _, m := range console {
		if !strings.Contains(m, "inline event handler") {
			t.Errorf("console: %s", m)
		}
	}
}
