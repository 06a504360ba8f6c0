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

// command is a subcommand: it parses its own arguments (flag.ErrHelp for
// -h) and lives in a file of its own.
type command struct {
	run   func(args []string, stdout, stderr io.Writer) error
	usage string // one line for the command list
}

// commands are the subcommands, by name. help is run's own: it reads
// this table.
var commands = map[string]command{
	"new": {newCmd, "new [flags] MODULE [DIR]   create an app: a module with one page, its tests and a README"},
}

// errUsage marks an error in the command line, which exits 2.
var errUsage = errors.New("usage")

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, "nitro:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "nitro:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return fmt.Errorf("%w: no command", errUsage)
	}
	name, args := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(args) == 0 {
			usage(stdout)
			return nil
		}
		if cmd, ok := commands[args[0]]; ok { // "nitro help new": new's flags
			return ignoreHelp(cmd.run([]string{"-h"}, stdout, stdout))
		}
		name = args[0]
	}
	cmd, ok := commands[name]
	if !ok {
		usage(stderr)
		return fmt.Errorf("%w: unknown command %q", errUsage, name)
	}
	return cmd.run(args, stdout, stderr)
}

// ignoreHelp is err, unless it is the flag.ErrHelp asked for.
func ignoreHelp(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: nitro <command> [arguments]")
	fmt.Fprintln(w, "\ncommands:")
	for _, name := range slices.Sorted(maps.Keys(commands)) {
		fmt.Fprintln(w, "  "+commands[name].usage)
	}
	fmt.Fprintln(w, "  help [command]             show this, or a command's flags")
}
