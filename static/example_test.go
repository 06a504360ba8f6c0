package static_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/nitrogo/framework/static"
)

func ExampleHandler() {
	mux := http.NewServeMux()
	mux.Handle(static.Path(), static.Handler())

	r := httptest.NewRequest("GET", static.Path(), nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Content-Encoding"), w.Header().Get("Cache-Control"))
	// Output: 200 gzip public, max-age=31536000, immutable
}

func ExampleScript() {
	page := "<!doctype html><title>Hi</title>" + static.Script()
	fmt.Println(strings.Contains(page, `src="`+static.Path()+`"`))
	// Output: true
}

func ExamplePath() {
	fmt.Println(strings.HasPrefix(static.Path(), "/nitro/n2o."), len(static.Path()))
	// Output: true 22
}
