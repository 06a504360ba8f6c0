package nitro

import "github.com/nitrogo/framework/nitro/bert"

// Formatter encodes the terms a connection sends (N2O's formatters). Each
// connection has one, BERT unless changed (Context.SetFormatter); package
// nitro/format has the others. One that is also a Parser reads the binary
// frames the connection receives; the others leave them to BERT.
type Formatter interface {
	// Format appends the encoding of t to dst, or says why it cannot,
	// leaving dst as it was.
	Format(dst []byte, t bert.Term) ([]byte, error)
}

// FormatterFunc adapts a function to Formatter.
type FormatterFunc func(dst []byte, t bert.Term) ([]byte, error)

// Format calls f.
func (f FormatterFunc) Format(dst []byte, t bert.Term) ([]byte, error) { return f(dst, t) }

// BERT sends terms in Erlang's External Term Format, as N2O's browser
// client expects. It refuses a term Erlang could not read (bert.Check):
// NaN, an atom of over 255 characters, a map key twice.
var BERT Formatter = FormatterFunc(func(dst []byte, t bert.Term) ([]byte, error) {
	if err := bert.Check(t); err != nil {
		return dst, err
	}
	return bert.Append(dst, t), nil
})

// Parser is what a Formatter implements to read the binary frames a
// connection receives in its format too; one that does not leaves them to
// BERT's decoder. Parse decodes one whole frame into a term taking at
// most maxMemory bytes (bert.Decoder.MaxMemory counts the same way; zero
// means no bound but the frame's), and never panics on hostile input.
type Parser interface {
	Parse(data []byte, maxMemory int) (bert.Term, error)
}
