package login

import (
	"embed"
	"net/http"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/assets"
	"github.com/nitrogo/framework/elements"
)

// The samples' stylesheet and icon are hand-written files under web/,
// built (minified, named for their content) into web/dist, which is
// committed, as the assets package asks.
//
//go:generate go run ../../cmd/nitro-dev build -src web -out web/dist
//go:embed web/dist
var dist embed.FS

// web serves what the build wrote, cached by browsers for a year.
var web = assets.Must(assets.New(dist, assets.Config{Manifest: "web/dist/manifest.json"}))

// AssetsPrefix is where Assets serves the samples' stylesheet and icon:
// mount Assets on it.
var AssetsPrefix = web.Prefix()

// Paths of the stylesheet and the icon, under AssetsPrefix.
var (
	StylePath = web.Path("style.css")
	IconPath  = web.Path("favicon.svg")
)

// Style is the samples' <head>: their icon and their stylesheet, linked.
// A first paint carries two tags rather than 5 KB of CSS, which would
// make an empty room's paint four times its size; the browser asks for
// the files once, and keeps them.
var Style templ.Component = elements.Literal{Raw: true,
	Text: `<link rel="icon" type="image/svg+xml" href="` + IconPath + `"><link rel="stylesheet" href="` + StylePath + `">`}

// Assets serves the stylesheet and the icon at StylePath and IconPath,
// and 404 for any other path.
func Assets() http.Handler { return web }
