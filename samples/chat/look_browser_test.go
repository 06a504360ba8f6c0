package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/nitrogo/framework/internal/browsertest"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// The look of the sample, checked in Chromium at a desktop's size and a
// phone's, in light and in dark: layout facts rather than pixels.

// screen is a size the sample is checked at.
type screen struct {
	name          string
	width, height int64
	mobile        bool
}

var screens = []screen{{"desktop", 1280, 800, false}, {"phone", 375, 812, true}}

// longWord is a message no line can hold: it must wrap in its bubble.
var longWord = strings.Repeat("abcdefghij", 20)

// layoutFacts measures the page as it shows, scrolled to its top: how far
// it overflows sideways (the document, and the history inside it), whether
// each of the elements of visible fits whole in the viewport, and the
// contrast of the text of each of contrast with what is behind it (WCAG's
// ratio, from the computed colours: the first opaque background up the
// tree, the text's alpha blended over it). Every selector must match.
const layoutFacts = `(function (visible, contrast) {
	window.scrollTo(0, 0);
	function rgba(s) {
		var m = s.match(/[\d.]+/g).map(Number);
		return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
	}
	function lum(c) {
		var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
		return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
	}
	function behind(el) {
		for (; el; el = el.parentElement) {
			var c = rgba(getComputedStyle(el).backgroundColor);
			if (c[3] > 0) return c;
		}
		return [255, 255, 255, 1];
	}
	function one(sel) {
		var el = document.querySelector(sel);
		if (!el) throw new Error("no " + sel);
		return el;
	}
	var facts = {overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
		historyOverflow: 0, hidden: [], contrast: {}};
	var h = document.getElementById("history");
	if (h) facts.historyOverflow = h.scrollWidth - h.clientWidth;
	visible.forEach(function (sel) {
		var r = one(sel).getBoundingClientRect();
		if (!(r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth)) facts.hidden.push(sel);
	});
	contrast.forEach(function (sel) {
		var el = one(sel), fg = rgba(getComputedStyle(el).color), bg = behind(el), a = fg[3];
		fg = [0, 1, 2].map(function (i) { return fg[i] * a + bg[i] * (1 - a); });
		var l1 = lum(fg), l2 = lum(bg);
		facts.contrast[sel] = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
	});
	return facts;
})`

// facts is what layoutFacts returns.
type facts struct {
	Overflow        float64            `json:"overflow"`
	HistoryOverflow float64            `json:"historyOverflow"`
	Hidden          []string           `json:"hidden"`
	Contrast        map[string]float64 `json:"contrast"`
}

// checkLook checks the page in the tab at size sc, in light and in dark:
// no sideways scroll, the elements of visible in sight without scrolling,
// and the text of contrast at 4.5:1 or more.
func checkLook(t *testing.T, ctx context.Context, sc screen, page string, visible, contrast []string) {
	t.Helper()
	if got := browsertest.Eval[[]int64](t, ctx, "[innerWidth, innerHeight]"); got[0] != sc.width || got[1] != sc.height {
		// A phone zooms out a page wider than its screen.
		t.Errorf("%s: the viewport is %dx%d, want %dx%d: the page is too wide", page, got[0], got[1], sc.width, sc.height)
		return
	}
	for _, scheme := range []string{"light", "dark"} {
		setScheme(t, ctx, scheme)
		js := fmt.Sprintf("%s(%s, %s)", layoutFacts, jsStrings(visible), jsStrings(contrast))
		f := browsertest.Eval[facts](t, ctx, js)
		where := fmt.Sprintf("%s at %dx%d, %s", page, sc.width, sc.height, scheme)
		if f.Overflow > 0 || f.HistoryOverflow > 0 {
			t.Errorf("%s: scrolls sideways, by %v px (the history by %v px)", where, f.Overflow, f.HistoryOverflow)
		}
		if len(f.Hidden) > 0 {
			t.Errorf("%s: not in sight without scrolling: %q", where, f.Hidden)
		}
		for _, sel := range contrast {
			if c := f.Contrast[sel]; c < 4.5 {
				t.Errorf("%s: %s has a contrast of %.2f:1, want 4.5:1 or more", where, sel, c)
			}
		}
	}
}

func jsStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// setSize makes the tab's viewport sc, as a phone's when sc is one.
func setSize(t *testing.T, ctx context.Context, sc screen) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: sc.width, Height: sc.height, DeviceScaleFactor: 1, Mobile: sc.mobile}); err != nil {
		t.Fatal(err)
	}
}

// setScheme makes the tab prefer a light or a dark colour scheme.
func setScheme(t *testing.T, ctx context.Context, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		t.Fatal(err)
	}
	if !browsertest.Eval[bool](t, ctx, fmt.Sprintf(`matchMedia("(prefers-color-scheme: %s)").matches`, scheme)) {
		t.Fatalf("the tab does not prefer %s", scheme)
	}
}

// browserSay sends a message from the tab's room, and waits for it to come back.
func browserSay(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#message"), text), chromedp.Click(chromedp.CSS("#send")))
	browsertest.WaitFor(t, ctx, historyTexts+fmt.Sprintf(".indexOf(%q) >= 0", text))
}

// notFound records the paths a handler answers with 404.
type notFound struct {
	mu    sync.Mutex
	paths []string
}

func (nf *notFound) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&statusWriter{ResponseWriter: w, path: r.URL.Path, nf: nf}, r)
	})
}

func (nf *notFound) got() []string {
	nf.mu.Lock()
	defer nf.mu.Unlock()
	return append([]string(nil), nf.paths...)
}

type statusWriter struct {
	http.ResponseWriter
	path string
	nf   *notFound
}

func (w *statusWriter) WriteHeader(code int) {
	if code == http.StatusNotFound {
		w.nf.mu.Lock()
		w.nf.paths = append(w.nf.paths, w.path)
		w.nf.mu.Unlock()
	}
	w.ResponseWriter.WriteHeader(code)
}

// Hijack lets the page's socket through.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// TestBrowserLook checks the login page and a room with a few messages,
// one of them a 200-character word, at 1280×800 and 375×812, in light and
// dark; that the upload control clears its file once sent, with its
// status apart from its bar; and that the browser asked for nothing the
// server does not have (a favicon). With NITRO_SCREENSHOTS=1 it saves the
// room at both sizes as docs/chat-desktop.png and docs/chat-phone.png.
func TestBrowserLook(t *testing.T) {
	b := browsertest.Start(t)
	var nf notFound
	app, err := newAppWith(t.TempDir(), nitro.Config{Keys: nitrotest.NewKeyRing(t)}, defaults)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(nf.wrap(app.Handler))
	t.Cleanup(func() { app.Server.Close(); hs.Close(); app.Store.Close() })

	bob := b.NewTab(t)
	browserLogin(t, bob, hs.URL, "bob", "kitchen")
	for _, m := range []string{"Morning! Lunch at noon?", "The usual place, by the river.", longWord} {
		browserSay(t, bob, m)
	}

	ann := b.NewTab(t)
	for _, sc := range screens {
		setSize(t, ann, sc)
		browsertest.Do(t, ann, chromedp.Navigate(hs.URL+"/login"))
		browsertest.WaitFor(t, ann, `!!(window.qi && qi("loginButton") && qi("loginButton").__nitro_click)`)
		checkLook(t, ann, sc, "the login page", []string{"#user", "#pass", "#loginButton"},
			[]string{"body", ".login label", ".login .hint", "#user", "#loginButton"})
	}

	browserLogin(t, ann, hs.URL, "ann", "kitchen")
	browserSay(t, ann, "Noon it is. I'll bring the notes.")

	// The upload: its status apart from its bar, and its file input
	// cleared once the file is stored.
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("notes\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ann, chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{file}))
	browsertest.WaitFor(t, ann, `qi("upload-file").files.length === 1`)
	browsertest.Do(t, ann, chromedp.Click(chromedp.CSS("#upload-start")))
	browsertest.WaitFor(t, ann, `qi("upload-status").textContent === "sent" && !!document.querySelector('#history a[href="/files/notes.txt"]')`)
	browsertest.WaitFor(t, ann, `qi("upload-file").value === "" && qi("upload-file").files.length === 0`)
	if gap := browsertest.Eval[float64](t, ann, `(function () {
		var p = qi("upload-progress").getBoundingClientRect(), s = qi("upload-status").getBoundingClientRect();
		return s.top >= p.bottom ? 100 : s.left - p.right;
	})()`); gap < 4 {
		t.Errorf("the upload's status is %v px from its bar, want it apart", gap)
	}

	for _, sc := range screens {
		setSize(t, ann, sc)
		checkLook(t, ann, sc, "the room", []string{"#message", "#send", "#logout", "#heading"},
			[]string{"body", "#heading", "#members li", "#history li .text", "#history li.by-616e6e .text",
				"#history time", "#history a", "#send", "#logout", "#upload-start", "#message", ".share label"})
		if os.Getenv("NITRO_SCREENSHOTS") == "1" {
			saveScreenshot(t, ann, sc)
		}
	}
	if paths := nf.got(); len(paths) > 0 {
		t.Errorf("the server answered 404 to %q", paths)
	}
}

// saveScreenshot writes the room, light at a desktop's size and dark at a
// phone's, to docs/chat-NAME.png.
func saveScreenshot(t *testing.T, ctx context.Context, sc screen) {
	t.Helper()
	scheme := "light"
	if sc.mobile {
		scheme = "dark"
	}
	setScheme(t, ctx, scheme)
	browsertest.Eval[bool](t, ctx, `document.activeElement.blur(), qi("history").scrollTop = 1e9, true`)
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "chat-"+sc.name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (%d bytes)", path, len(png))
}

// localTimesShown holds when every time in the history shows its moment in
// the tab's zone, Asia/Kolkata (UTC+05:30), as the browser formats it: the
// time of day if it is today there, else the date and time.
const localTimesShown = `(function () {
	var z = "Asia/Kolkata", ts = Array.from(document.querySelectorAll("#history time"));
	return new Date().getTimezoneOffset() === -330 && ts.length > 0 && ts.every(function (t) {
		var d = new Date(t.getAttribute("datetime")), o = {timeZone: z, hour: "numeric", minute: "2-digit"};
		if (d.toLocaleDateString("en-CA", {timeZone: z}) !== new Date().toLocaleDateString("en-CA", {timeZone: z})) {
			o.year = "numeric"; o.month = "short"; o.day = "numeric";
		}
		return t.textContent === new Intl.DateTimeFormat(undefined, o).format(d);
	});
})()`

// TestBrowserLocalTimes: the times of the messages show in the viewer's
// time zone, not the server's UTC, in the first paint (before the socket
// renders the page again), in messages pushed live, and after a
// reconnect.
func TestBrowserLocalTimes(t *testing.T) {
	b := browsertest.Start(t)
	hs := startChat(t)

	bob := b.NewTab(t)
	browserLogin(t, bob, hs.URL, "bob", "attic")
	browserSay(t, bob, "before ann came")

	ann := b.NewTab(t)
	if _, err := chromedp.Call(ann, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Kolkata"}); err != nil {
		t.Fatal(err)
	}
	// What the first paint shows once its scripts ran, before the socket
	// replaces it.
	if _, err := chromedp.Call(ann, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `document.addEventListener("DOMContentLoaded", function () { window.firstPaintLocal = ` + localTimesShown + ` })`}); err != nil {
		t.Fatal(err)
	}
	browserLogin(t, ann, hs.URL, "ann", "attic")
	if !browsertest.Eval[bool](t, ann, `window.firstPaintLocal === true`) {
		t.Errorf("the first paint shows the times %q", browsertest.Eval[[]string](t, ann,
			`Array.from(document.querySelectorAll("#history time")).map(function (t) { return t.textContent })`))
	}
	browsertest.WaitFor(t, ann, localTimesShown)

	browserSay(t, bob, "pushed live")
	browsertest.WaitFor(t, ann, historyTexts+`.length === 2 && `+localTimesShown)

	// A reconnect renders the page anew.
	browsertest.Eval[bool](t, ann, `qi("nitro-root").dataset.old = "yes", window.dispatchEvent(new PageTransitionEvent("pagehide")),
		window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true})), true`)
	browsertest.WaitFor(t, ann, `!qi("nitro-root").dataset.old && `+live)
	browsertest.WaitFor(t, ann, historyTexts+`.length === 2 && `+localTimesShown)
}
