// Package format holds the formatters of Nitro's protocol loop other than
// BERT, its default (N2O's formatters): JSON today. A connection switches
// formatter with nitro.Context.SetFormatter, from its next reply on:
//
//	case nitro.Direct:
//		if e.Msg.IsAtom("json") {
//			cx.SetFormatter(format.JSON)
//		}
//
// A formatter is a nitro.Formatter: it appends the encoding of a term to
// a buffer, and must be safe for concurrent use.
package format
