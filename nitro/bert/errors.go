package bert

import (
	"errors"
	"fmt"
)

// Errors of decoding. A DecodeError wraps one of them; test with errors.Is.
var (
	ErrVersion    = errors.New("bert: missing version byte 131")
	ErrTruncated  = errors.New("bert: truncated term")
	ErrTag        = errors.New("bert: unknown or unsupported tag")
	ErrDepth      = errors.New("bert: nesting too deep")
	ErrInvalid    = errors.New("bert: invalid term")
	ErrTrailing   = errors.New("bert: bytes after the term")
	ErrCompressed = errors.New("bert: compressed term refused")
	ErrMemory     = errors.New("bert: term over the memory budget")
)

// A DecodeError says where in the input decoding failed and why.
type DecodeError struct {
	Offset int    // byte offset in the input (in the inflated data for a compressed term)
	Tag    byte   // the tag being decoded, 0 if none
	Detail string // what was wrong, for people
	Err    error  // one of the Err* sentinels
}

func (e *DecodeError) Error() string {
	msg := e.Err.Error()
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Tag != 0 {
		return fmt.Sprintf("%s (tag %d at byte %d)", msg, e.Tag, e.Offset)
	}
	return fmt.Sprintf("%s (at byte %d)", msg, e.Offset)
}

func (e *DecodeError) Unwrap() error { return e.Err }
