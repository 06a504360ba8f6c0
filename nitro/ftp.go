package nitro

import "log/slog"

// UploadConfig configures file uploads (the ftp protocol).
type UploadConfig struct {
	// Dir is where uploaded files land. Empty means "uploads".
	Dir string
	// MaxSize is the largest file accepted, in bytes. Zero means 64 MiB.
	MaxSize int64
}

type uploads struct{}

func newUploads(cfg UploadConfig, log *slog.Logger) *uploads { return &uploads{} }

// FTP is the upload protocol. (Being written: it takes no message yet.)
var FTP Protocol = ProtocolFunc(func(cx *Context, msg any) (Reply, bool) { return Reply{}, false })
