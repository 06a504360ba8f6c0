package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/nitrogo/framework/internal/browsertest"
)

func TestSmoke(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<html><body><p id="x">hello</p><script>document.getElementById('x').textContent='js ran'</script></body></html>`))
	}))
	defer srv.Close()
	b := browsertest.Start(t)
	ctx := b.NewTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#x")))
	if err != nil || got != "js ran" {
		t.Fatalf("got %q, %v", got, err)
	}
}
