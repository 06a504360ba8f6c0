// Command nitro-dev is Nitro's development tool.
//
// Usage:
//
//	nitro-dev bundle [-o out.min.js] in.js
//
// bundle minifies a plain browser script (such as static/n2o.js) with
// esbuild. It is the only package of Nitro that links esbuild, so
// applications never do.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
)

// commands are the subcommands, by name. Each parses its own arguments
// and lives in a file of its own.
var commands = map[string]struct {
	run   func(args []string, stderr io.Writer) error
	usage string
}{
	"bundle": {bundleCmd, "bundle [-o out.min.js] in.js   minify a browser script with esbuild"},
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
		usage(stderr)
		return fmt.Errorf("unknown command %q", args[0])
	}
	return cmd.run(args[1:], stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: nitro-dev <command> [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		fmt.Fprintln(w, "  "+commands[name].usage)
	}
}
