package format

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/nitrogo/framework/nitro/bert"
)

// ErrSyntax is what a Parse says of a frame that is not in its format.
var ErrSyntax = errors.New("format: syntax error")

// ErrTooBig is what a Parse says of a frame whose term would take more
// memory than allowed, or nest deeper than MaxDepth.
var ErrTooBig = errors.New("format: term too big")

// ErrUnsupported is what a Format says of a term its format cannot hold
// (TEXT holds no nested terms, WAMP and XML no maps, ...).
var ErrUnsupported = errors.New("format: term not supported by this format")

// MaxDepth bounds how deeply a parsed term may nest, as a connection's
// BERT decoder does.
const MaxDepth = 64

// budget counts the terms a parse builds against the caller's memory
// bound, so a hostile frame is refused before it grows without limit.
type budget struct{ left, max int }

func newBudget(maxMemory int) *budget { return &budget{left: maxMemory, max: maxMemory} }

// take counts n terms and b bytes, or says the frame is over budget.
func (b *budget) take(n, bytes int) error {
	if b.max <= 0 {
		return nil
	}
	b.left -= n*bert.TermSize + bytes
	if b.left < 0 {
		return fmt.Errorf("%w: over %d bytes", ErrTooBig, b.max)
	}
	return nil
}

func syntax(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrSyntax, fmt.Sprintf(format, args...))
}

// isNumber says whether s is written as a number in the text formats:
// -?digits, then optionally .digits and an exponent. NaN, Inf, hex and
// the like are not numbers, so no parse yields a non-finite float.
func isNumber(s string) (isNum, isFloat bool) {
	i := 0
	// digits steps over a run of digits and says whether there was one.
	digits := func() bool {
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > d
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if !digits() {
		return false, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false, false
		}
		isFloat = true
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		if !digits() {
			return false, false
		}
		isFloat = true
	}
	return i == len(s), isFloat
}

// validAtom says whether name can be an atom: valid UTF-8 of at most 255
// characters, as Erlang allows.
func validAtom(name string) bool {
	return utf8.ValidString(name) && utf8.RuneCountInString(name) <= 255
}
