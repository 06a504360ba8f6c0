package bert

import (
	"encoding/binary"
	"math/bits"
	"sync/atomic"
)

// Atoms repeat from frame to frame (pickle, io, the names of a form's
// fields), so decoding keeps their names in a small cache instead of
// allocating a string each time. The cache is a fixed table of slots
// indexed by hash: lock-free to read, bounded whatever the input, and a
// flood of new atoms only evicts older ones.
const atomSlots = 1 << 10

var atomCache [atomSlots]atomic.Pointer[string]

func init() {
	for _, name := range []string{
		"true", "false", "undefined", "ok", "error", "nil",
		"io", "init", "pickle", "direct", "client", "server", "bin", "ftp", "ftpack",
		"ev", "event", "detail", "text", "Token", "Auth", "exit", "flush",
	} {
		s := name
		atomCache[hashBytes([]byte(s))%atomSlots].Store(&s)
	}
}

// intern returns a string holding b, from the cache when it is there.
// Only names of up to 255 bytes are cached, so the cache holds at most
// 256 KiB however hostile the input.
func intern(b []byte) string {
	if len(b) > 255 {
		return string(b)
	}
	slot := &atomCache[hashBytes(b)%atomSlots]
	if p := slot.Load(); p != nil && *p == string(b) {
		return *p
	}
	s := string(b)
	slot.Store(&s)
	return s
}

// hashBytes mixes the length and up to 16 bytes from both ends: enough to
// spread atom names, at a constant cost.
func hashBytes(b []byte) uint32 {
	n := len(b)
	h := uint64(n) * 0x9e3779b97f4a7c15
	switch {
	case n >= 8:
		h ^= binary.LittleEndian.Uint64(b) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(b[n-8:]), 29)
	case n >= 4:
		h ^= uint64(binary.LittleEndian.Uint32(b)) ^ uint64(binary.LittleEndian.Uint32(b[n-4:]))<<32
	case n > 0:
		h ^= uint64(b[0]) | uint64(b[n/2])<<8 | uint64(b[n-1])<<16
	}
	h *= 0xff51afd7ed558ccd
	return uint32(h >> 32)
}
