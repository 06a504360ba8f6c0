// Package assets serves an app's own JavaScript, CSS and other static
// files for production: built by nitro-dev build, embedded in the binary,
// named for their content and cached by browsers for a year, as package
// static serves Nitro's client. Templates name them by logical name
// (Path("app.css") is "/assets/app.3f9a1c2e.css"). It uses the standard
// library only: the build, with esbuild, is nitro-dev's, so an app never
// links esbuild.
//
// # Building
//
// The sources live in a directory of the app, web/ by convention. A
// go:generate line runs the build, and its output is committed, as
// static/n2o.min.js is, so that go build needs no other tool:
//
//	//go:generate go run github.com/nitrogo/framework/cmd/nitro-dev build -src web -out web/dist
//
// Each .js and .css file at the top of web/ is an entry: esbuild bundles
// what it imports (a JavaScript module, a CSS @import: files in
// subdirectories, or whose names start with _) and minifies it. Other
// files (images, fonts) are copied, and a CSS url() to them is rewritten
// to the copy's name. Names starting with . or _ are never copied. Each
// output is named for the SHA-256 of its content, with a source map
// beside each bundle, and web/dist/manifest.json maps logical names to
// them:
//
//	{"app.css": "app.3f9a1c2e.css", "app.js": "app.9b8c7d6e.js", "img/logo.svg": "img/logo.5d41402a.svg"}
//
// # Serving
//
// Embed the output, make a Set of it once, mount it on its prefix and
// name its files in templates:
//
//	//go:embed web/dist
//	var dist embed.FS
//
//	web := assets.Must(assets.New(dist, assets.Config{Manifest: "web/dist/manifest.json"}))
//	mux.Handle(web.Prefix(), web)   // "/assets/"; on chi: r.Handle(web.Prefix()+"*", web)
//
// The Set reads the whole URL path: mount it without http.StripPrefix.
//
// In a templ template:
//
//	<link rel="stylesheet" href={ web.Path("app.css") }/>
//	@web.Link("app.css")
//	@web.Script("app.js", templ.GetNonce(ctx))
//
// A Link and a Script render as templ components do (the same Render
// method), so a Nitro page's Head, or a list of elements, takes them as
// they are:
//
//	func (p *Page) Head(cx *nitro.Context) templ.Component { return web.Link("app.css") }
//
// Under a Nitro page's Content-Security-Policy a script runs only with
// the page's nonce, which Script takes (templ.GetNonce(cx) in Main or
// Head).
//
// The Set serves the files the manifest names and their source maps, and
// 404 for anything else, with Cache-Control "public, max-age=31536000,
// immutable" (a new build has new names), an ETag, the content type of
// the file's extension, and gzip when that is smaller and the browser
// accepts it (compressed once, in New). New checks that every file the
// manifest names is there.
//
// # Development
//
// With Config.Source set to the source directory, Path names the sources
// themselves ("/assets/app.css") and the Set serves them as they are,
// with Cache-Control no-cache, so that a save shows on the next reload.
// nitro-dev gives the app it runs NITRO_DEV=1, and answers those paths in
// the app's place from its -assets-src directory (web/ beside the app's
// main package by default): the .js and .css as esbuild bundles of the
// sources (imports inlined), unminified, with source maps, and it swaps a
// saved stylesheet into the open pages. The package never reads the
// environment: main chooses.
//
//	cfg := assets.Config{Manifest: "web/dist/manifest.json"}
//	if os.Getenv("NITRO_DEV") != "" {
//		cfg.Source = os.DirFS("web")
//	}
//	web := assets.Must(assets.New(dist, cfg))
package assets
