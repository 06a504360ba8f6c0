package nitro

import "github.com/nitrogo/framework/nitro/bert"

// Formatter encodes the terms a connection sends (N2O's formatters). Each
// connection has one, BERT unless changed (Context.SetFormatter); package
// nitro/format has the others.
type Formatter interface {
	// Format appends the encoding of t to dst.
	Format(dst []byte, t bert.Term) []byte
}

// FormatterFunc adapts a function to Formatter.
type FormatterFunc func(dst []byte, t bert.Term) []byte

// Format calls f.
func (f FormatterFunc) Format(dst []byte, t bert.Term) []byte { return f(dst, t) }

// BERT sends terms in Erlang's External Term Format, as N2O's browser
// client expects.
var BERT Formatter = FormatterFunc(bert.Append)
