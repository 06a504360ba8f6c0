package ws

// AppendFrame is appendFrame, for the external tests.
var AppendFrame = appendFrame
