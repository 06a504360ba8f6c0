package livereload_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/nitrogo/framework/livereload"
)

func ExampleInject() {
	hub := livereload.New()
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><body><h1>Hello</h1></body></html>")
	})
	rec := httptest.NewRecorder()
	livereload.Inject(app, hub.ScriptTag()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Println(rec.Body.String())
	// Output: <html><body><h1>Hello</h1><script src="/_nitro/livereload.js" defer></script></body></html>
}

func ExampleInjectHTML() {
	fmt.Printf("%s\n", livereload.InjectHTML([]byte("<body>hi</body>"), "<script></script>"))
	// Output: <body>hi<script></script></body>
}

func ExampleNonceTag() {
	h := http.Header{}
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'nonce-cmFuZG9t' 'strict-dynamic'")
	fmt.Println(livereload.NonceTag(livereload.New().ScriptTag(), h))
	// Output: <script nonce="cmFuZG9t" src="/_nitro/livereload.js" defer></script>
}

func ExampleHub() {
	hub := livereload.New()
	mux := http.NewServeMux()
	mux.Handle(hub.Path(), hub)       // the event stream
	mux.Handle(hub.Path()+".js", hub) // the script
	// After a rebuild, every open page reloads:
	hub.Reload()
	// A failed build shows an overlay until the next good one:
	hub.ShowError(livereload.BuildError{
		Title:    "build failed",
		Problems: []livereload.Problem{{File: "main.go", Line: 7, Col: 2, Message: "undefined: x"}},
	})
	hub.ClearError()
	fmt.Println(hub.Path(), hub.Clients())
	// Output: /_nitro/livereload 0
}

func ExampleProblem_String() {
	fmt.Println(livereload.Problem{File: "main.go", Line: 7, Col: 2, Message: "undefined: x"})
	// Output: main.go:7:2: undefined: x
}

func ExampleScript() {
	rec := httptest.NewRecorder()
	livereload.New().ServeHTTP(rec, httptest.NewRequest("GET", "/_nitro/livereload.js", nil))
	fmt.Println(rec.Body.String() == livereload.Script())
	// Output: true
}

func ExampleIsHTML() {
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=utf-8")
	fmt.Println(livereload.IsHTML(h))
	h.Set("Content-Encoding", "gzip")
	fmt.Println(livereload.IsHTML(h))
	// Output:
	// true
	// false
}
