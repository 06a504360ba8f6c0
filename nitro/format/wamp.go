package format

import (
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// WAMP writes a term as a JSON-like array, so a message reads as a WAMP
// one: {io, <<"js">>, 1} is [io,"js",1]. Tuples are [..], lists {..};
// atoms are bare (a lower-case letter, then letters, digits, _ and @) or
// in single quotes; binaries are double-quoted, escaped as in JSON, and
// must be UTF-8; numbers are integers within 64 bits or finite floats
// (a '.' or an exponent). Maps, bit binaries, improper lists and big
// integers are refused. It parses what it writes, with spaces allowed
// between tokens.
var WAMP nitro.Formatter = wampFormatter{}

var wampSyntax = brackets{'[', ']', '{', '}'}

type wampFormatter struct{}

func (wampFormatter) Format(dst []byte, t bert.Term) ([]byte, error) {
	return wampSyntax.format(dst, t)
}

func (wampFormatter) Parse(data []byte, maxMemory int) (bert.Term, error) {
	return wampSyntax.parse(data, maxMemory)
}
