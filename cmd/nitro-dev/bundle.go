package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// bundleCmd is "nitro-dev bundle [-o out] in.js": it writes the minified
// script to out, or to standard output.
func bundleCmd(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the bundle to this `file` (default: standard output)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nitro-dev bundle [-o out.min.js] in.js")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("bundle: want one input file")
	}
	in := fs.Arg(0)
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	code, err := bundle(src, in)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = os.Stdout.Write(code)
		return err
	}
	if err := os.WriteFile(*out, code, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%s: %d bytes, %d gzipped\n", *out, len(code), gzipSize(code))
	return nil
}

// bundle minifies src, a plain browser script (not a module), for ES2017
// browsers. Minifying renames only local names: a script that defines its
// globals as properties of window, from inside a function, keeps them.
// Any esbuild warning is an error, so that the bundle stays clean.
func bundle(src []byte, name string) ([]byte, error) {
	res := api.Transform(string(src), api.TransformOptions{
		Sourcefile:        name,
		Loader:            api.LoaderJS,
		Target:            api.ES2017,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetASCII,
		LegalComments:     api.LegalCommentsNone,
		LogLevel:          api.LogLevelSilent,
	})
	if msgs := append(res.Errors, res.Warnings...); len(msgs) > 0 {
		text := api.FormatMessages(msgs, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, fmt.Errorf("bundle %s:\n%s", name, strings.Join(text, ""))
	}
	return res.Code, nil
}

// gzipSize is the size of b compressed at gzip's best level, as a browser
// downloads it.
func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Len()
}
