// Package ftp is Nitro's upload protocol, N2O's n2o_ftp, on the wire of
// N2O's ftp.js: resumable uploads in blocks of 256 KiB over a page's
// connection, stored on disk. Put it in the server's chain:
//
//	uploads := ftp.New(ftp.Config{Dir: "uploads", MaxSize: 16 << 20})
//	srv, err := nitro.New(nitro.Config{Keys: ring,
//		Protocols: []nitro.Protocol{nitro.Heart, nitro.Nitro, uploads}})
//
// A page hears of an upload with the events Progress and Uploaded; with
// package pages, a page takes uploads only if it implements Gate.
//
// # Trust
//
// An upload belongs to the connection's session, whatever the client
// says; its name is sanitised (SanitizeFilename) and never replaces a
// file; blocks are written only at the offset the server holds; the size
// is limited, the rate may be, and an announced sha256 is checked. A
// refused message is answered with an ftpack whose reason is the
// sentinel's text, never the detail, which goes to the log.
//
// # Concurrency
//
// The protocol is safe for concurrent use: two connections of a session
// uploading the same file take turns. Its sweeper, which removes the
// partial files of abandoned uploads, runs while the server serves.
package ftp
