package assets_test

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"testing/fstest"

	"github.com/nitrogo/framework/assets"
)

// testdata/dist is what nitro-dev build makes of testdata/web (a test of
// cmd/nitro-dev checks that it still is):
//
//go:generate go run ../cmd/nitro-dev build -src testdata/web -out testdata/dist

//go:embed testdata/dist
var dist embed.FS

// An app embeds the build, serves it, and names its files in templates.
func Example() {
	web := assets.Must(assets.New(dist, assets.Config{Manifest: "testdata/dist/manifest.json"}))
	page := template.Must(template.New("page").Funcs(template.FuncMap{"asset": web.Path}).Parse(
		`<link rel="stylesheet" href="{{asset "app.css"}}"><script src="{{asset "app.js"}}" defer></script>`))

	mux := http.NewServeMux()
	mux.Handle(web.Prefix(), web)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) { page.Execute(w, nil) })

	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	fmt.Println(get("/").Body)
	css := get(web.Path("app.css"))
	fmt.Println(css.Code, css.Header().Get("Content-Type"), "|", css.Header().Get("Cache-Control"))
	fmt.Println(get("/assets/app.css").Code) // the logical name is no file
	// Output:
	// <link rel="stylesheet" href="/assets/app.ee6033a3.css"><script src="/assets/app.a85ce247.js" defer></script>
	// 200 text/css; charset=utf-8 | public, max-age=31536000, immutable
	// 404
}

func ExampleSet_Link() {
	web := assets.Must(assets.New(dist, assets.Config{Manifest: "testdata/dist/manifest.json"}))
	fmt.Println(web.Link("app.css"))
	// Output: <link rel="stylesheet" href="/assets/app.ee6033a3.css">
}

// Script takes the page's CSP nonce: templ.GetNonce(ctx) in a Nitro page.
func ExampleSet_Script() {
	web := assets.Must(assets.New(dist, assets.Config{Manifest: "testdata/dist/manifest.json"}))
	fmt.Println(web.Script("app.js", "r4nd0m"))
	// Output: <script src="/assets/app.a85ce247.js" nonce="r4nd0m" defer></script>
}

// In development (main sets Config.Source when NITRO_DEV is set) the
// paths are the sources' own, served uncached.
func ExampleNew_development() {
	source := fstest.MapFS{"app.css": {Data: []byte("h1 { color: red }\n")}}
	web := assets.Must(assets.New(nil, assets.Config{Source: source}))

	w := httptest.NewRecorder()
	web.ServeHTTP(w, httptest.NewRequest("GET", web.Path("app.css"), nil))
	fmt.Println(web.Path("app.css"), w.Header().Get("Cache-Control"))
	fmt.Print(w.Body)
	// Output:
	// /assets/app.css no-cache
	// h1 { color: red }
}
