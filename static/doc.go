// Package static serves Nitro's browser client, n2o.js: the script that
// opens a page's WebSocket and runs the JavaScript the server sends (the
// globals docs/protocol.md lists), minified into n2o.min.js and embedded.
//
// # Serving
//
// The script is served at a content-hashed path, so browsers may cache it
// for a year: a new build has a new path.
//
//	mux := http.NewServeMux()
//	mux.Handle(static.Path(), static.Handler())
//	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
//		fmt.Fprintf(w, "<!doctype html><title>Hi</title>%s<p id=hello></p>", static.Script())
//	})
//
// Handler serves only Path: with Cache-Control immutable, an ETag, and
// gzip when the browser accepts it (compressed once, at start). Anything
// else is 404, so Handler can also be mounted on a prefix such as
// "/nitro/".
//
// # The page's side
//
// On load the script connects to "/ws" + location.pathname +
// location.search (or the path or URL in the script's data-ws attribute,
// or in window.nitroWS), sends "N2O," and its session token, PINGs every
// 5 s, evaluates each {io, JS, Data} it receives, and reconnects with
// exponential backoff after a drop. A page may define these hooks:
//
//	$io.do(data)           the Data of every io frame
//	nitroError(reason)     the server answered {error, Reason}
//	nitroStatus(state)     "open" or "reconnecting"; <html> also gets the
//	                       class nitro-reconnecting, and an element with
//	                       id nitro-status is shown while reconnecting
//	nitroMessage(term)     a decoded frame that is neither io nor ftpack
//	ftp.progress(item)     after each upload acknowledgement
//
// # Regenerating
//
// n2o.min.js is generated from n2o.js by cmd/nitro-dev and committed:
//
//	go generate ./static
//
// A test of cmd/nitro-dev fails when the two disagree.
package static
