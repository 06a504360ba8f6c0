package main

import (
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/evanw/esbuild/pkg/api"
)

// clientPath matches the URL of Nitro's browser client, which the app
// serves minified and content-hashed (package static).
var clientPath = regexp.MustCompile(`^/nitro/n2o\.[0-9a-f]{8}\.js$`)

// assets serves, in place of the app, esbuild bundles with inline source
// maps: Nitro's client (static/n2o.js at the module root, unminified, for
// its URL /nitro/n2o.HASH.js), the .js and .css files of the app's
// static/ directory under the -static URL prefix, and those of its
// -assets-src directory under the -assets prefix, with its other files as
// they are (the sources that nitro-dev build makes the app's production
// assets of, which package assets names unhashed in development). Bundles
// are built on first request and kept until the next change.
type assets struct {
	d     *devServer
	mu    sync.Mutex
	cache map[string][]byte // by source file
}

func newAssets(d *devServer) *assets { return &assets{d: d, cache: map[string][]byte{}} }

func (a *assets) invalidate() {
	a.mu.Lock()
	clear(a.cache)
	a.mu.Unlock()
}

// source is the file that answers the URL path p, or "": a .js or .css
// file is bundled, any other (under -assets only: an image, a font) is
// served as it is, since the app may not find -assets-src from where it
// runs.
func (a *assets) source(p string) string {
	if clientPath.MatchString(p) {
		return existing(filepath.Join(a.d.modRoot, "static", "n2o.js"))
	}
	if src := sourceUnder(p, a.d.staticPrefix, filepath.Join(a.d.appDir, "static")); src != "" && bundled(src) {
		return src
	}
	return sourceUnder(p, a.d.assetsPrefix, a.d.assetsSrc)
}

// bundled reports whether a file is served bundled by esbuild.
func bundled(name string) bool {
	ext := filepath.Ext(name)
	return ext == ".js" || ext == ".css"
}

// sourceUnder is the file under dir for the URL path p under prefix, or
// "". Hidden files are not served.
func sourceUnder(p, prefix, dir string) string {
	if prefix == "" || dir == "" || !strings.HasPrefix(p, prefix) {
		return ""
	}
	rel := path.Clean("/" + strings.TrimPrefix(p, prefix))
	if strings.Contains(rel, "/.") {
		return ""
	}
	return existing(filepath.Join(dir, filepath.FromSlash(rel)))
}

func existing(name string) string {
	if fi, err := os.Stat(name); err == nil && fi.Mode().IsRegular() {
		return name
	}
	return ""
}

// wrap serves the assets it has and passes other requests to next.
func (a *assets) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		src := ""
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			src = a.source(r.URL.Path)
		}
		if src == "" {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		if !bundled(src) {
			http.ServeFile(w, r, src)
			return
		}
		code, err := a.bundle(src)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		ct := "text/javascript; charset=utf-8"
		if filepath.Ext(src) == ".css" {
			ct = "text/css; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		w.Write(code)
	})
}

// bundle builds src with esbuild, bundling what it imports, with an
// inline source map.
func (a *assets) bundle(src string) ([]byte, error) {
	a.mu.Lock()
	code, ok := a.cache[src]
	a.mu.Unlock()
	if ok {
		return code, nil
	}
	res := api.Build(api.BuildOptions{
		EntryPoints: []string{src},
		Bundle:      true,
		Write:       false,
		Outdir:      filepath.Dir(src), // not written: it names the sources in the map
		Sourcemap:   api.SourceMapInline,
		Target:      api.ES2017,
		LogLevel:    api.LogLevelSilent,
		// A CSS url() stays a URL, relative to the bundle's: the app
		// serves the file it names.
		Plugins: []api.Plugin{cssURLs(func(file string) (string, error) {
			return relURL(filepath.ToSlash(filepath.Dir(src)), filepath.ToSlash(file)), nil
		})},
	})
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, fmt.Errorf("esbuild %s:\n%s", src, strings.Join(msgs, ""))
	}
	want := ".js"
	if filepath.Ext(src) == ".css" {
		want = ".css"
	}
	for _, f := range res.OutputFiles {
		if filepath.Ext(f.Path) == want {
			code = f.Contents
		}
	}
	a.mu.Lock()
	a.cache[src] = code
	a.mu.Unlock()
	return code, nil
}
