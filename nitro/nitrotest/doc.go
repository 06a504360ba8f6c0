// Package nitrotest tests live pages in process, as net/http/httptest
// tests handlers: NewServer serves pages on a loopback listener, Dial
// connects a Client that speaks the real wire protocol (BERT frames over a
// WebSocket), and the Client inits, clicks the postbacks the page wired,
// sends direct and client messages and uploads, and reads the decoded
// replies. Several clients in one test are several browsers.
//
//	srv := nitrotest.NewServer(t, nitro.Config{}, map[string]nitro.Page{"/": page})
//	c := srv.Dial("/")
//	io := c.Init()                                    // {io, JS, {'Token', T}}
//	io = c.Click("send", nitrotest.Source("message", "hi"))
package nitrotest
