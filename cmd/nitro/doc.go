// Command nitro creates Nitro apps.
//
// Usage:
//
//	nitro new [flags] MODULE [DIR]
//	nitro help [command]
//
// # nitro new
//
// new writes a Go module named MODULE into DIR (by default MODULE's last
// element, less a major version suffix: example.com/hello/v2 goes in
// hello), holding a Nitro app of one page, ready to run and to test:
//
//	go run github.com/nitrogo/framework/cmd/nitro@latest new hello
//	cd hello
//	go run .             # then open http://localhost:8000
//	go test ./...
//	go tool nitro-dev .  # rebuilds, restarts and reloads the browser on save
//
// (In a checkout of Nitro, go run ./cmd/nitro new hello DIR.) The app
// is a guestbook: main.go (flags, the development key, the
// server, the routes; it listens on $ADDR when set, as nitro-dev wants),
// guestbook.go (the page: Main renders a message box, a Sign button with
// a postback and the entries; Event adds an entry and broadcasts it to
// every open guestbook), layout.templ and layout_templ.go (the HTML
// document, a templ template; the generated file is written too, so go
// run needs no templ), static/style.css (embedded in the binary),
// guestbook_test.go (nitro/nitrotest: the wire protocol, in process),
// browser_test.go (headless Chromium with chromedp: without Chromium it
// skips and says how to install it, and under CI=true it fails), a
// README.md with the commands, and a .gitignore for the key.
//
// new refuses a DIR that exists and is not an empty directory, and a
// MODULE that go could not build: the rules of module paths (letters,
// digits and - . _ ~; no empty element, none that begins or ends with a
// dot), less the dot in the first element that only published modules
// need, and no name of the standard library or of go's patterns (std,
// all, ...). It writes every file or, if it made DIR, nothing.
//
// # Which Nitro the app requires
//
// The app's go.mod requires github.com/nitrogo/framework, and names its
// cmd/nitro-dev as a tool, so that go tool nitro-dev runs the nitro-dev
// of the same Nitro.
//
//   - With -replace DIR, or when the app is written inside a checkout of
//     Nitro (the nearest go.mod above it declares Nitro's module), go.mod
//     replaces Nitro with that checkout, by a relative path, and requires
//     the placeholder version v0.0.0-00010101000000-000000000000, as go
//     mod tidy writes for a replaced module.
//   - Otherwise it requires -version, by default the version nitro was
//     built at when go knows one (go install
//     github.com/nitrogo/framework/cmd/nitro@VERSION records it), so the
//     app gets the Nitro its nitro came from. A nitro built from a
//     checkout has none; go.mod then names no version of Nitro, and go mod
//     tidy adds the latest, as go get github.com/nitrogo/framework@latest
//     would (-version latest asks for that too).
//
// Last, new runs go mod tidy in the app (on that module alone, GOWORK=off),
// which completes go.mod and writes go.sum; it needs the module proxy, or
// a module cache that holds what the app needs. With -tidy=false it does
// not, and the app wants go mod tidy before it builds.
package main
