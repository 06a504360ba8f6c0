package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// A journal file is where BoltStore makes a message durable before bbolt
// holds it: a sequence of records, each appended whole and synced before
// the message it holds is answered. A record frames one payload:
//
//	length    4 bytes, big-endian: the payload's length, 1 to maxRecord
//	checksum  4 bytes, big-endian: CRC-32C (Castagnoli) of the payload
//	payload   length bytes
//
// A crash while a group of records is being written can leave the file
// cut inside a record, or longer than what reached the disk, with zeros
// or garbage where the records should be. The length and checksum
// tell such a torn record from a whole one (zeros give length 0, which no
// record has), so replay stops there: nothing from that point on was
// acknowledged, since a group is answered only after its sync.
//
// journal.go has the files, the writer that appends a group at a time,
// the move that empties a file into bbolt, and the replay at open.
const (
	recordHeader = 8
	maxRecord    = 1 << 24
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var (
	errTornRecord    = errors.New("chat: journal record cut short")
	errCorruptRecord = errors.New("chat: journal record corrupt")
)

// beginRecord appends the header of a record whose payload the caller
// appends next, and returns the record's offset in b for endRecord.
func beginRecord(b []byte) ([]byte, int) {
	return append(b, 0, 0, 0, 0, 0, 0, 0, 0), len(b)
}

// endRecord fills the header of the record at b[at:], whose payload runs
// to the end of b. The caller keeps the payload between 1 and maxRecord
// bytes: decodeRecord refuses any other length.
func endRecord(b []byte, at int) {
	p := b[at+recordHeader:]
	binary.BigEndian.PutUint32(b[at:], uint32(len(p)))
	binary.BigEndian.PutUint32(b[at+4:], crc32.Checksum(p, castagnoli))
}

// decodeRecord decodes the record at the start of b and returns its
// payload, a slice of b (it allocates nothing), and the record's length.
// A record b holds only part of is errTornRecord; one whose length is out
// of bounds, or whose checksum does not match, is errCorruptRecord.
func decodeRecord(b []byte) (payload []byte, n int, err error) {
	if len(b) < recordHeader {
		return nil, 0, errTornRecord
	}
	size := binary.BigEndian.Uint32(b)
	if size == 0 || size > maxRecord {
		return nil, 0, errCorruptRecord
	}
	if uint64(len(b)-recordHeader) < uint64(size) {
		return nil, 0, errTornRecord
	}
	n = recordHeader + int(size)
	payload = b[recordHeader:n:n]
	if crc32.Checksum(payload, castagnoli) != binary.BigEndian.Uint32(b[4:]) {
		return nil, 0, errCorruptRecord
	}
	return payload, n, nil
}

// scanRecords calls fn with the payload of each record of data, in order,
// and returns how many bytes the records it accepted take. It stops at
// the first torn or corrupt record, or at the first payload fn refuses,
// and returns why; it returns len(data) and nil when every record is
// whole.
func scanRecords(data []byte, fn func(payload []byte) error) (int, error) {
	off := 0
	for off < len(data) {
		p, n, err := decodeRecord(data[off:])
		if err != nil {
			return off, err
		}
		if err := fn(p); err != nil {
			return off, fmt.Errorf("%w: %w", errCorruptRecord, err)
		}
		off += n
	}
	return off, nil
}
