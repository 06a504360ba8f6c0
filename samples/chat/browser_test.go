package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/nitrogo/framework/internal/browsertest"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// The browser test drives the sample in headless Chromium, two users in
// two browser contexts (each its own cookies: its own session).

// live holds once the room's socket has rendered and wired the page.
const live = `!!(window.qi && qi("send") && qi("send").__nitro_click && qi("members"))`

// historyTexts is the history as the page shows it: each item's text.
const historyTexts = `Array.from(document.querySelectorAll("#history li .text")).map(function(s){return s.textContent})`

// browserLogin logs user into room in the tab, as a user would.
func browserLogin(tb testing.TB, ctx context.Context, base, user, room string) {
	tb.Helper()
	browsertest.Do(tb, ctx, chromedp.Navigate(base+"/login"))
	browsertest.WaitFor(tb, ctx, `!!(window.qi && qi("loginButton") && qi("loginButton").__nitro_click)`)
	browsertest.Do(tb, ctx,
		chromedp.SetValue(chromedp.CSS("#user"), user),
		chromedp.SetValue(chromedp.CSS("#pass"), room),
		chromedp.Click(chromedp.CSS("#loginButton")),
	)
	browsertest.WaitFor(tb, ctx, `location.pathname === "/room"`)
	browsertest.WaitFor(tb, ctx, live)
}

// startChat serves the sample with its default limits, its data in a
// directory of the test's, until the test ends.
func startChat(t testing.TB) *httptest.Server {
	t.Helper()
	app, err := newAppWith(t.TempDir(), nitro.Config{Keys: nitrotest.NewKeyRing(t)}, defaults)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(app.Handler)
	t.Cleanup(func() { app.Server.Close(); hs.Close(); app.Store.Close() })
	return hs
}

func TestBrowserTwoUsersChat(t *testing.T) {
	b := browsertest.Start(t)
	hs := startChat(t)

	a, bob := b.NewTab(t), b.NewTab(t)
	browserLogin(t, a, hs.URL, "ann", "kitchen")
	browserLogin(t, bob, hs.URL, "bob", "kitchen")
	for _, ctx := range []context.Context{a, bob} {
		browsertest.Eval[bool](t, ctx, `window.alert=function(){window.__pwned=true};true`)
	}
	if got := browsertest.Eval[string](t, a, `qi("heading").textContent`); got != "kitchen" {
		t.Errorf("the heading says %q", got)
	}
	browsertest.WaitFor(t, a, `qi("members").textContent.indexOf("bob") >= 0`) // bob came in, live

	// A sends, B sees it.
	browsertest.Do(t, a, chromedp.SetValue(chromedp.CSS("#message"), "hello bob"), chromedp.Click(chromedp.CSS("#send")))
	browsertest.WaitFor(t, bob, historyTexts+`.indexOf("hello bob") >= 0`)
	browsertest.WaitFor(t, a, historyTexts+`.indexOf("hello bob") >= 0`) // the sender's own push

	// B uploads a file, with a progress bar; A sees the link.
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("notes for ann\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, bob, chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{file}), chromedp.Click(chromedp.CSS("#upload-start")))
	browsertest.WaitFor(t, a, `!!document.querySelector('#history a[href="/files/notes.txt"]')`)
	browsertest.WaitFor(t, bob, `qi("upload-progress").max > 0 && qi("upload-progress").value == qi("upload-progress").max`)

	// A's message carrying HTML and JavaScript shows as text.
	const hostile = "`${alert(1)}` </script><img src=x onerror=alert(2)> '\" end"
	browsertest.Do(t, a, chromedp.SetValue(chromedp.CSS("#message"), hostile), chromedp.Click(chromedp.CSS("#send")))
	browsertest.WaitFor(t, bob, historyTexts+`.some(function(s){return s.indexOf("end") >= 0})`)
	texts := browsertest.Eval[[]string](t, bob, historyTexts)
	if len(texts) != 3 || texts[0] != "hello bob" || texts[2] != hostile {
		t.Errorf("bob's history shows %q", texts)
	}
	if browsertest.Eval[bool](t, bob, `!!window.__pwned || !!document.querySelector("#history img")`) {
		t.Error("the hostile message ran or made an element")
	}

	// The history is there after a reload, and without JavaScript.
	browsertest.Do(t, a, chromedp.Reload())
	browsertest.WaitFor(t, a, live)
	if got := browsertest.Eval[[]string](t, a, historyTexts); len(got) != 3 || got[2] != hostile {
		t.Errorf("after a reload the history shows %q", got)
	}
	if _, err := chromedp.Call(a, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, a, chromedp.Reload())
	if got := browsertest.Eval[[]string](t, a, historyTexts); len(got) != 3 || got[0] != "hello bob" || got[2] != hostile {
		t.Errorf("without JavaScript the history shows %q", got)
	}
	if browsertest.Eval[bool](t, a, `typeof window.qi === "function"`) {
		t.Error("the client ran with JavaScript disabled")
	}
}
