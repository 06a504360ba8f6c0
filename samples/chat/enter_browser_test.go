package main

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/nitrogo/framework/internal/browsertest"
)

// TestBrowserEnter uses the sample from the keyboard alone: Enter in the
// name box logs in, Enter in the message box sends the message, once,
// and leaves the box empty and focused for the next.
func TestBrowserEnter(t *testing.T) {
	b := browsertest.Start(t)
	hs := startChat(t)
	ctx := b.NewTab(t)

	browsertest.Do(t, ctx, chromedp.Navigate(hs.URL+"/login"))
	browsertest.WaitFor(t, ctx, `!!(window.qi && qi("loginButton") && qi("loginButton").__nitro_click)`) // the page is wired
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#pass"), "kitchen"),
		chromedp.SendKeys(chromedp.CSS("#user"), "ann"+kb.Enter),
	)
	browsertest.WaitFor(t, ctx, `location.pathname === "/room"`)
	browsertest.WaitFor(t, ctx, live)
	browsertest.WaitFor(t, ctx, `qi("heading").textContent === "kitchen" && document.activeElement === qi("message")`)

	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#message"), "hello by Enter"+kb.Enter))
	browsertest.WaitFor(t, ctx, historyTexts+`.indexOf("hello by Enter") >= 0`)
	browsertest.WaitFor(t, ctx, `qi("message").value === "" && document.activeElement === qi("message")`)

	// The next message, typed straight away; the first was sent once.
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.CSS("#message"), "and again"+kb.Enter))
	browsertest.WaitFor(t, ctx, historyTexts+`.indexOf("and again") >= 0`)
	if got := browsertest.Eval[[]string](t, ctx, historyTexts); len(got) != 2 || got[0] != "hello by Enter" || got[1] != "and again" {
		t.Errorf("the history shows %q", got)
	}
}
