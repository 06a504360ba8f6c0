package pages_test

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/nitrogo/framework/internal/browsertest"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// The browser tests drive the demo page in a real headless Chromium, with
// the real client script, over a real socket.

// hostile is a message that would run as code, or break the page, were
// any of it spliced into JavaScript or HTML unescaped.
const hostile = "`${alert(1)}` </script><img src=x onerror=alert(2)> '\" \u2028 end"

// liveServer serves the demo page on a loopback listener it can stop and
// start again on the same address, as a restarted server would.
type liveServer struct {
	tb   testing.TB
	addr string
	keys *nitro.KeyRing
	page *demo
	srv  *nitro.Server
	http *http.Server
}

func startLive(tb testing.TB, page *demo) *liveServer {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &liveServer{tb: tb, addr: ln.Addr().String(), keys: nitrotest.NewKeyRing(tb), page: page}
	s.serve(ln)
	tb.Cleanup(s.stop)
	return s
}

func (s *liveServer) serve(ln net.Listener) {
	srv, h := mustApp(s.tb, nitro.Config{Keys: s.keys}, s.page)
	s.srv, s.http = srv, &http.Server{Handler: h}
	go s.http.Serve(ln)
}

func (s *liveServer) stop() {
	if s.srv != nil {
		s.srv.Close()
		s.http.Close()
		s.srv = nil
	}
}

// restart stops the server and starts a new one, with the same keys, on
// the same address.
func (s *liveServer) restart() {
	s.tb.Helper()
	s.stop()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.tb.Fatalf("listening again on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

func (s *liveServer) url() string { return "http://" + s.addr + "/demo" }

// live is true once the socket's init has rendered and wired the page.
const live = `!!(window.qi && qi("send") && qi("send").__nitro_click)`

func TestBrowserFirstPaintWithoutJS(t *testing.T) {
	b := browsertest.Start(t)
	s := startLive(t, &demo{messages: []string{"history is readable", hostile}})
	ctx := b.NewTab(t)
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ctx, chromedp.Navigate(s.url()))
	items := browsertest.Eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#messages li")).map(function(li){return li.textContent})`)
	// With scripts off Evaluate still runs (it is the test's, not the
	// page's); what matters is that the page's own script did not.
	if len(items) != 2 || items[0] != "history is readable" || items[1] != hostile {
		t.Errorf("first paint without JavaScript shows %q", items)
	}
	if browsertest.Eval[bool](t, ctx, `typeof window.qi === "function"`) {
		t.Error("the client script ran with JavaScript disabled")
	}
}

func TestBrowserClickAndTypedSources(t *testing.T) {
	b := browsertest.Start(t)
	d := &demo{}
	s := startLive(t, d)
	ctx := b.NewTab(t)
	browsertest.Do(t, ctx, chromedp.Navigate(s.url()))
	browsertest.WaitFor(t, ctx, live)
	browsertest.Do(t, ctx,
		chromedp.SetValue(chromedp.CSS("#name"), "Zoë 🎉"),
		chromedp.Click(chromedp.CSS("#agree")),
		chromedp.SetValue(chromedp.CSS("#color"), "red"),
		chromedp.SetValue(chromedp.CSS("#born"), "2001-02-03"),
		chromedp.Click(chromedp.CSS("#send")),
	)
	want := "name=Zoë 🎉 agree=true color=red born=true:2001-02-03"
	browsertest.WaitFor(t, ctx, `qi("out").textContent.length > 0`)
	if got := browsertest.Eval[string](t, ctx, `qi("out").textContent`); got != want {
		t.Errorf("the page shows %q, want %q", got, want)
	}
	if got := d.reports(); len(got) != 1 || got[0] != want {
		t.Errorf("the server saw %q, want [%q]", got, want)
	}
}

func TestBrowserValidation(t *testing.T) {
	b := browsertest.Start(t)
	d := &demo{}
	s := startLive(t, d)
	ctx := b.NewTab(t)
	browsertest.Do(t, ctx, chromedp.Navigate(s.url()))
	browsertest.WaitFor(t, ctx, live)

	// The browser stops an empty required name: nothing is sent.
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS("#send")))
	browsertest.WaitFor(t, ctx, `qi("name").classList.contains("nitro-invalid")`)
	if got := browsertest.Eval[string](t, ctx, `qi("name").validationMessage`); got != "a name of up to 10 characters" {
		t.Errorf("the browser says %q, not the rule's message", got)
	}
	// A postback that was sent would be answered by now; check after a
	// round trip of our own: a valid click on another button.
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#message"), "ping"), chromedp.Click(chromedp.CSS("#post")))
	browsertest.WaitFor(t, ctx, `document.querySelectorAll("#messages li").length === 1`)
	if got := d.reports(); len(got) != 1 || got[0] != "post" {
		t.Fatalf("the server saw %q: the invalid postback was sent", got)
	}

	// With the browser's check removed, the server refuses the value and
	// says why on the field.
	browsertest.Eval[any](t, ctx, `(function(){var x=qi("name");x.removeAttribute("maxlength");x.removeAttribute("required");x.classList.remove("nitro-invalid");x.setCustomValidity("");x.value="far too long a name";})()`)
	browsertest.Do(t, ctx, chromedp.Click(chromedp.CSS("#send")))
	browsertest.WaitFor(t, ctx, `qi("name").validationMessage === "a name of up to 10 characters"`)
	if got := d.reports(); len(got) != 1 {
		t.Errorf("the server let an invalid postback through: %q", got)
	}
}

func TestBrowserInjectionShowsAsText(t *testing.T) {
	b := browsertest.Start(t)
	d := &demo{}
	s := startLive(t, d)
	ctx := b.NewTab(t)
	browsertest.Do(t, ctx, chromedp.Navigate(s.url()))
	browsertest.WaitFor(t, ctx, live)
	browsertest.Eval[any](t, ctx, `window.__alerts=0;window.alert=function(){window.__alerts++}`)
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#message"), hostile), chromedp.Click(chromedp.CSS("#post")))
	browsertest.WaitFor(t, ctx, `document.querySelectorAll("#messages li").length === 1`)
	if got := browsertest.Eval[string](t, ctx, `document.querySelector("#messages li").textContent`); got != hostile {
		t.Errorf("the message shows as %q, want it as text: %q", got, hostile)
	}
	if n := browsertest.Eval[int](t, ctx, `window.__alerts + document.querySelectorAll("#messages img").length`); n != 0 {
		t.Errorf("the message ran as code or markup (%d alerts or images)", n)
	}
	// The same message in the first paint of a new visit shows as text too.
	other := b.NewTab(t)
	browsertest.Do(t, other, chromedp.Navigate(s.url()))
	browsertest.WaitFor(t, other, live)
	if got := browsertest.Eval[string](t, other, `document.querySelector("#messages li").textContent`); got != hostile {
		t.Errorf("after a reload the message shows as %q", got)
	}
}

func TestBrowserReconnectAfterRestart(t *testing.T) {
	b := browsertest.Start(t)
	d := &demo{}
	s := startLive(t, d)
	ctx := b.NewTab(t)
	browsertest.Do(t, ctx, chromedp.Navigate(s.url()))
	browsertest.WaitFor(t, ctx, live)
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#message"), "before"), chromedp.Click(chromedp.CSS("#post")))
	browsertest.WaitFor(t, ctx, `document.querySelectorAll("#messages li").length === 1`)
	// Mark the rendered page, to see that the reconnect renders it anew.
	browsertest.Eval[any](t, ctx, `qi("nitro-root").dataset.old = "yes"`)

	s.restart()
	browsertest.WaitFor(t, ctx, `!qi("nitro-root").dataset.old && `+live)
	if got := browsertest.Eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#messages li")).map(function(li){return li.textContent})`); len(got) != 1 || got[0] != "before" {
		t.Errorf("after the restart the page shows %q, want [before] once", got)
	}
	if browsertest.Eval[bool](t, ctx, `document.documentElement.classList.contains("nitro-reconnecting")`) {
		t.Error("the page still says it is reconnecting")
	}
	// And it works: the new server takes the page's postbacks.
	browsertest.Do(t, ctx, chromedp.SetValue(chromedp.CSS("#message"), "after"), chromedp.Click(chromedp.CSS("#post")))
	browsertest.WaitFor(t, ctx, `document.querySelectorAll("#messages li").length === 2`)
	if got := browsertest.Eval[string](t, ctx, `document.querySelectorAll("#messages li")[1].textContent`); got != "after" {
		t.Errorf("after the restart a postback added %q, want after", got)
	}
}
