package pages_test

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/nitrogo/framework/internal/browsertest"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/format"
)

// wireLog records the first byte of every binary frame the page's socket
// receives and sends, before the client script runs.
const wireLog = `window.__wire = {in: [], out: []};
(function (WS) {
  var send = WS.prototype.send;
  WS.prototype.send = function (b) {
    if (typeof b != 'string') __wire.out.push(new Uint8Array(b.buffer || b, b.byteOffset || 0)[0]);
    return send.call(this, b);
  };
  window.WebSocket = function (u, p) {
    var s = new WS(u, p);
    s.addEventListener('message', function (e) {
      if (typeof e.data != 'string') __wire.in.push(new Uint8Array(e.data)[0]);
    });
    return s;
  };
  window.WebSocket.prototype = WS.prototype;
})(window.WebSocket);`

// TestBrowserJSONSwitch switches a live page to JSON with formatter('json')
// and posts back: the postback goes and its reply comes as JSON, and the
// page updates.
func TestBrowserJSONSwitch(t *testing.T) {
	b := browsertest.Start(t)
	d := &demo{}
	chain := append([]nitro.Protocol{format.Switch}, nitro.DefaultProtocols()...)
	srv, h := mustApp(t, nitro.Config{Protocols: chain}, d)
	t.Cleanup(func() { srv.Close() })
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)

	ctx := b.NewTab(t)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: wireLog}); err != nil {
		t.Fatal(err)
	}
	browsertest.Do(t, ctx, chromedp.Navigate(hs.URL+"/demo"))
	browsertest.WaitFor(t, ctx, live)
	if got := browsertest.Eval[[]int](t, ctx, `__wire.in`); len(got) == 0 || got[0] != 131 {
		t.Fatalf("before the switch the page got frames starting %v, want BERT (131)", got)
	}
	browsertest.Eval[bool](t, ctx, `formatter('json')`)
	browsertest.WaitFor(t, ctx, `formatter() == 'json'`)
	in := browsertest.Eval[int](t, ctx, `__wire.in.length`)
	out := browsertest.Eval[int](t, ctx, `__wire.out.length`)

	browsertest.Do(t, ctx,
		chromedp.SetValue(chromedp.CSS("#name"), "Zoë"),
		chromedp.Click(chromedp.CSS("#agree")),
		chromedp.SetValue(chromedp.CSS("#color"), "red"),
		chromedp.SetValue(chromedp.CSS("#born"), "2001-02-03"),
		chromedp.Click(chromedp.CSS("#send")),
	)
	browsertest.WaitFor(t, ctx, `qi("out").textContent.length > 0`)
	want := "name=Zoë agree=true color=red born=true:2001-02-03"
	if got := browsertest.Eval[string](t, ctx, `qi("out").textContent`); got != want {
		t.Errorf("the page shows %q, want %q", got, want)
	}
	if got := d.reports(); len(got) != 1 || got[0] != want {
		t.Errorf("the server saw %q, want [%q]", got, want)
	}
	sent := browsertest.Eval[[]int](t, ctx, `__wire.out.slice(`+strconv.Itoa(out)+`)`)
	got := browsertest.Eval[[]int](t, ctx, `__wire.in.slice(`+strconv.Itoa(in)+`)`)
	if len(sent) == 0 || len(got) == 0 {
		t.Fatalf("after the switch the page sent %v and got %v", sent, got)
	}
	for _, c := range append(sent, got...) {
		if c != '{' {
			t.Errorf("after the switch the page sent frames starting %v and got %v, want JSON ('{' = 123)", sent, got)
			break
		}
	}
}
