package elements_test

import (
	"bytes"
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/nitrotest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the output of the tests")

// render renders c without a page Context: a static render.
func render(tb testing.TB, c templ.Component) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		tb.Fatalf("Render: %v", err)
	}
	return buf.String()
}

// golden compares got with testdata/name.golden, or rewrites the file
// under -update.
func golden(tb testing.TB, name, got string) {
	tb.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		tb.Errorf("%s:\ngot  %s\nwant %s", path, got, want)
	}
}

// mustRing returns a key ring with one fresh key.
func mustRing(tb testing.TB) *nitro.KeyRing { return nitrotest.NewKeyRing(tb) }

// mustContext returns a page Context of a fresh server, for the page
// "/page" of session "sid", and the server's key ring.
func mustContext(tb testing.TB) (*nitro.Context, *nitro.KeyRing) {
	tb.Helper()
	ring := mustRing(tb)
	srv, err := nitro.New(nitro.Config{Keys: ring})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv.NewContext(httptest.NewRequest("GET", "/page", nil), "sid", "/page", nil), ring
}

func f64(f float64) *float64 { return &f }
