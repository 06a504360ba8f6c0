package ws

import "net/http"

// AppendFrame is appendFrame, for the external tests.
var AppendFrame = appendFrame

// AllowedOrigin is allowedOrigin, for the external tests.
func (e *Endpoint) AllowedOrigin(r *http.Request) bool { return e.allowedOrigin(r) }
