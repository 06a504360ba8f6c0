// Package format holds the formatters of Nitro's protocol loop other than
// BERT, its default (N2O's formatters): JSON, TEXT, WAMP and XML. Each
// writes the terms a connection sends (nitro.Formatter) and reads the
// binary frames it receives (nitro.Parser), within the connection's
// memory budget; every one of them refuses, rather than mangles, a term
// its format cannot hold.
//
// N2O's example message {io, <<"console.log('hello')">>, 1} in each:
//
//	WAMP  [io,"console.log('hello')",1]
//	JSON  {"t":104,"v":[{"t":100,"v":"io"},{"t":109,"v":"console.log('hello')"},{"t":97,"v":1}]}
//	TEXT  IO console.log('hello') 1\n
//	XML   <io><eval>console.log('hello')</eval><data>1</data></io>
//
// The doc of each formatter gives its grammar; docs/protocol.md, section 7,
// gives them all.
//
// A connection switches formatter from the server with
// nitro.Context.SetFormatter, or from the client with {format, Name} when
// the app puts Switch in its chain:
//
//	cfg.Protocols = append([]nitro.Protocol{format.Switch}, nitro.DefaultProtocols()...)
//
// A formatter must be safe for concurrent use.
package format
