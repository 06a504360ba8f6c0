// Command nitro-dev is Nitro's development tool: edit, save, see it.
//
// Usage:
//
//	nitro-dev [flags] <app package dir> [-- app arguments]
//	nitro-dev run [flags] <app package dir> [-- app arguments]
//	nitro-dev build [-src web] [-out web/dist]
//	nitro-dev bundle [-o out.min.js] in.js
//
// The default command (also called run) builds the app, runs it as a child
// process behind a reverse proxy, and watches the module: on a change to a
// .go, .templ or static file it runs templ generate and go build, restarts
// the app and reloads every open tab. A CSS-only change is swapped in
// without a reload; a build error shows in the browser as an overlay while
// the last good build keeps serving. See dev.go for the details.
//
//	go run ./cmd/nitro-dev ./samples/chat     # open http://localhost:8000
//
// The app must listen on $ADDR when it is set (host:port; $PORT holds the
// port alone). Only main reads it: library packages never read the
// environment. The app also gets NITRO_DEV=1, on which its main may put
// its assets in development mode (package assets, Config.Source): their
// paths are then the sources' own (/assets/app.css), and nitro-dev serves
// those files in the app's place, never cached, the .js and .css bundled
// by esbuild, unminified, with source maps (flags -assets and
// -assets-src). A saved CSS file is swapped in; a saved script reloads.
//
// build makes the app's assets for production: each .js and .css file
// at the top of -src (default web) is bundled (what it imports, from
// subdirectories or _partial files, is inlined) and minified by esbuild,
// and written to -out (default web/dist) under a name that carries the
// hash of its content (app.3f9a1c2e.css), with its source map; the other
// files are copied with hashed names too (a CSS url() to them is
// rewritten); manifest.json maps logical names to the built ones. The
// output is the same for the same sources, unchanged files are not
// rewritten, and hashed files no longer built are removed. The app embeds
// -out and serves it with package assets; a go:generate line in the app
// runs the build:
//
//	//go:generate go run github.com/nitrogo/framework/cmd/nitro-dev build -src web -out web/dist
//
// bundle minifies a plain browser script (such as static/n2o.js) with
// esbuild. This command is the only package of Nitro that links esbuild,
// so applications never do: they embed what build wrote.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// commands are the subcommands, by name. Each parses its own arguments
// and lives in a file of its own.
var commands = map[string]struct {
	run   func(args []string, stderr io.Writer) error
	usage string
}{
	"build":  {buildAssetsCmd, "build [-src web] [-out web/dist]   bundle, minify and hash the app's JS and CSS"},
	"bundle": {bundleCmd, "bundle [-o out.min.js] in.js       minify a browser script with esbuild"},
	"run":    {devCmd, "[run] [flags] <app dir>            run the app behind a live-reloading proxy"},
}

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "nitro-dev:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return errors.New("no command")
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		// The dev server is the default: "nitro-dev ./samples/chat",
		// "nitro-dev -addr :9000 .".
		if a := args[0]; strings.HasPrefix(a, "-") || strings.ContainsRune(a, filepath.Separator) || isDir(a) {
			return devCmd(args, stderr)
		}
		usage(stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return cmd.run(args[1:], stderr)
}

func isDir(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.IsDir()
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: nitro-dev [command] [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		fmt.Fprintln(w, "  "+commands[name].usage)
	}
}
