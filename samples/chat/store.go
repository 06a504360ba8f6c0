package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
	bolt "go.etcd.io/bbolt"
)

// Message is one line of a room's history: Text is what User said, or,
// for an upload, File is the stored file's name and Text its caption.
type Message struct {
	_    struct{} `bert:"msg"`
	Seq  uint64   // the store's sequence number: the order of arrival
	User string
	Text string
	Time int64 // Unix milliseconds
	File string
}

// Store keeps the rooms' histories. Append returns once the message is
// on disk: a message it acknowledged survives a crash.
type Store interface {
	Append(room string, m Message) (Message, error)
	// History returns the last n messages of room, oldest first.
	History(room string, n int) ([]Message, error)
	Close() error
}

// ErrClosed is what Append returns once the store is closed.
var ErrClosed = errors.New("chat: store closed")

// BoltStore is a Store in one bbolt file (fsync'd transactions, copy on
// write: a committed transaction survives a crash, a torn one is not
// seen).
//
// # Layout
//
// Every message gets a sequence number from one counter, and keys are
// those numbers big-endian, so keys sort in the order of arrival. A
// message is first appended to the bucket "log", as room name and
// message; about once a second, the log is moved into a bucket per room
// (under "rooms"), many messages at a time, in one transaction. Appending to the log dirties
// only its last page, where appending to each room's bucket dirties a
// page per room: that is what keeps a durable message cheap when many
// rooms are busy. History reads the log's entries of the room, then its
// bucket. The freelist is not written at each commit (NoFreelistSync, as
// etcd runs bbolt): opening the file after a crash rebuilds it.
//
// # Group commit
//
// One writer goroutine takes every append waiting and commits them in one
// transaction, with one fsync; each Append returns when the transaction
// holding its message has committed. A lone append commits at once (no
// batching delay, unlike bbolt's DB.Batch); under load, a commit gathers
// what arrived while the previous one was syncing.
type BoltStore struct {
	db      *bolt.DB
	reqs    chan appendReq
	mu      sync.RWMutex // held for reading by senders; Close takes it to close reqs
	shut    bool
	done    chan struct{}
	moveGap time.Duration
}

var (
	logBucket   = []byte("log")
	roomsBucket = []byte("rooms")
)

type appendReq struct {
	room string
	m    Message
	out  chan appendResult
}

type appendResult struct {
	m   Message
	err error
}

var _ Store = (*BoltStore)(nil)

// OpenBolt opens (or creates) the store in the file at path.
func OpenBolt(path string) (*BoltStore, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, FreelistType: bolt.FreelistMapType, NoFreelistSync: true})
	if err != nil {
		return nil, fmt.Errorf("chat: opening the store: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(logBucket); err != nil {
			return err
		}
		_, err := tx.CreateBucketIfNotExists(roomsBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("chat: opening the store: %w", err)
	}
	s := &BoltStore{db: db, reqs: make(chan appendReq, 1024), done: make(chan struct{}), moveGap: time.Second}
	go s.writer()
	return s, nil
}

// maxGroup bounds the appends of one transaction.
const maxGroup = 1024

// writer commits the appends, and moves the log into the rooms' buckets
// every moveGap and when the store closes.
func (s *BoltStore) writer() {
	defer close(s.done)
	batch := make([]appendReq, 0, maxGroup)
	results := make([]appendResult, 0, maxGroup)
	tick := time.NewTicker(s.moveGap)
	defer tick.Stop()
	moved := true
	for {
		var req appendReq
		var ok bool
		select {
		case req, ok = <-s.reqs:
		case <-tick.C:
			if !moved {
				s.move()
				moved = true
			}
			continue
		}
		if !ok {
			s.move()
			return
		}
		moved = false
		batch = append(batch[:0], req)
	gather:
		for len(batch) < maxGroup {
			select {
			case r, ok := <-s.reqs:
				if !ok {
					break gather
				}
				batch = append(batch, r)
			default:
				break gather
			}
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			results = results[:0]
			log := tx.Bucket(logBucket)
			for _, r := range batch {
				seq, err := log.NextSequence()
				if err != nil {
					return err
				}
				m := r.m
				m.Seq = seq
				v, err := appendEntry(make([]byte, 0, 16+len(r.room)+len(m.User)+len(m.Text)+len(m.File)+64), r.room, m)
				if err != nil {
					return err
				}
				var k [8]byte
				binary.BigEndian.PutUint64(k[:], seq)
				if err := log.Put(k[:], v); err != nil {
					return err
				}
				results = append(results, appendResult{m: m})
			}
			return nil
		})
		for i, r := range batch {
			if err != nil {
				r.out <- appendResult{err: fmt.Errorf("chat: storing a message: %w", err)}
			} else {
				r.out <- results[i]
			}
		}
	}
}

// A log entry is the room's name, length first, then the message as BERT.
func appendEntry(b []byte, room string, m Message) ([]byte, error) {
	t, err := bert.ToTerm(m)
	if err != nil {
		return nil, err
	}
	b = binary.AppendUvarint(b, uint64(len(room)))
	b = append(b, room...)
	return bert.Append(b, t), nil
}

// entryRoom returns the room of a log entry and the message's bytes.
func entryRoom(v []byte) (room, msg []byte, ok bool) {
	n, k := binary.Uvarint(v)
	if k <= 0 || uint64(len(v)-k) < n {
		return nil, nil, false
	}
	return v[k : k+int(n)], v[k+int(n):], true
}

// move moves the log into the rooms' buckets, in one transaction.
func (s *BoltStore) move() {
	err := s.db.Update(func(tx *bolt.Tx) error {
		log, rooms := tx.Bucket(logBucket), tx.Bucket(roomsBucket)
		var keys [][]byte
		c := log.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			room, msg, ok := entryRoom(v)
			if !ok {
				return fmt.Errorf("log entry %x is corrupt", k)
			}
			b, err := rooms.CreateBucketIfNotExists(room)
			if err != nil {
				return err
			}
			if err := b.Put(k, msg); err != nil {
				return err
			}
			keys = append(keys, k)
		}
		for _, k := range keys {
			if err := log.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// The log stays as it is, and History still reads it.
		slog.Error("chat: moving the log into the rooms", "err", err)
	}
}

// Append stores m in room with the next sequence number, and returns it
// as stored once it is on disk.
func (s *BoltStore) Append(room string, m Message) (Message, error) {
	if room == "" {
		return Message{}, errors.New("chat: empty room name")
	}
	out := make(chan appendResult, 1)
	s.mu.RLock()
	if s.shut {
		s.mu.RUnlock()
		return Message{}, ErrClosed
	}
	s.reqs <- appendReq{room: room, m: m, out: out}
	s.mu.RUnlock()
	r := <-out
	return r.m, r.err
}

// History returns the last n messages of room, oldest first: the log's
// messages of room (the newest), then its bucket's.
func (s *BoltStore) History(room string, n int) ([]Message, error) {
	var msgs []Message // newest first
	err := s.db.View(func(tx *bolt.Tx) error {
		decode := func(k, v []byte) error {
			var m Message
			if err := bert.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("chat: message %x of room %q: %w", k, room, err)
			}
			msgs = append(msgs, m)
			return nil
		}
		c := tx.Bucket(logBucket).Cursor()
		for k, v := c.Last(); k != nil && len(msgs) < n; k, v = c.Prev() {
			if r, msg, ok := entryRoom(v); ok && string(r) == room {
				if err := decode(k, msg); err != nil {
					return err
				}
			}
		}
		b := tx.Bucket(roomsBucket).Bucket([]byte(room))
		if b == nil {
			return nil
		}
		c = b.Cursor()
		for k, v := c.Last(); k != nil && len(msgs) < n; k, v = c.Prev() {
			if err := decode(k, v); err != nil {
				return err
			}
		}
		return nil
	})
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	return msgs, err
}

// Close waits for the appends under way, moves the log, and closes the
// file.
func (s *BoltStore) Close() error {
	s.mu.Lock()
	if s.shut {
		s.mu.Unlock()
		return nil
	}
	s.shut = true
	close(s.reqs)
	s.mu.Unlock()
	<-s.done
	return s.db.Close()
}
