// Command nitro-dev is Nitro's development tool: edit, save, see it.
//
// Usage:
//
//	nitro-dev [flags] <app package dir> [-- app arguments]
//	nitro-dev run [flags] <app package dir> [-- app arguments]
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
// environment.
//
// bundle minifies a plain browser script (such as static/n2o.js) with
// esbuild. This command is the only package of Nitro that links esbuild,
// so applications never do.
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
	"bundle": {bundleCmd, "bundle [-o out.min.js] in.js   minify a browser script with esbuild"},
	"run":    {devCmd, "[run] [flags] <app dir>         run the app behind a live-reloading proxy"},
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
