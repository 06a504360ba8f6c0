package pages_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

// TestFirstPaintChecksHost: a first paint, like a socket, is refused for
// a host name the server does not answer to when it arrives on loopback
// (DNS rebinding: another site's name made to resolve here), and
// served for its own names.
func TestFirstPaintChecksHost(t *testing.T) {
	srv, h := mustApp(t, nitro.Config{}, &demo{})
	ts := nitrotest.Serve(t, srv, h) // on 127.0.0.1
	port := ts.HTTP.URL[strings.LastIndex(ts.HTTP.URL, ":"):]
	tests := []struct {
		method, host string
		want         int
	}{
		{"GET", "attacker.example" + port, http.StatusForbidden},
		{"POST", "attacker.example" + port, http.StatusForbidden},
		{"GET", "localhost" + port, http.StatusOK},
		{"GET", "127.0.0.1" + port, http.StatusOK},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, ts.HTTP.URL+"/demo", nil)
		req.Host = tt.host
		req.Header.Set("X-Nitro-Session", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s Host %s: got %s, want %d", tt.method, tt.host, resp.Status, tt.want)
		}
		if tt.want == http.StatusForbidden && !strings.Contains(string(body), "ws.Config.Hosts") {
			t.Errorf("Host %s: the refusal does not say what to do: %s", tt.host, body)
		}
	}
}
