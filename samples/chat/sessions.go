package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	bolt "go.etcd.io/bbolt"
)

// SessionStore is a nitro.Store that keeps the session values in memory,
// where every read finds them, and writes every change through to the
// bucket "sessions" of the history's bbolt file. The session tokens are
// sealed with keys kept on disk, so they outlive a restart; with the
// values on disk too, a restart (one per save under nitro-dev) no longer
// logs everyone out.
//
// # Reads and writes
//
// Get is a nitro.MemoryStore's: a map under a sharded lock, as cheap as
// without a disk, which matters because the room reads the session on
// every message. Set, Delete and Clear change the memory, then commit the
// change in a bbolt transaction, which syncs, before they return: a login
// is on disk once it has answered, and so is a logout (Clear), so a user
// who logged out stays out after a restart. Logins are rare: one
// transaction each costs little. The writes are serialised, so the disk
// sees them in the order the memory did.
//
// # Layout
//
// A key of the bucket is a session's id; its value is the session as
// BERT: the time of its last write and its values, each with the name of
// its Go type, so that it comes back as the type it went in as (bert
// alone would give a string back as a bert.Term). The types kept are
// string, []byte, bool, int, int64, float64 and bert.Term. A value of
// another type stays in memory only, with a warning once per type, and
// its key is deleted from the disk, so that an older value does not come
// back in its place.
//
// # Expiry
//
// In memory, a session lives nitro.DefaultSessionTTL (900 s) after its
// last Get or Set. On disk it lives TTL after its last write, a day by
// default: OpenSessions loads the sessions written since, and deletes the
// others. The disk's TTL is the longer because the disk does not see the
// reads: writing down each Get would put a sync on every chat message, so
// the disk knows only when a session was last written, and a user who
// logged in hours ago may be chatting still. A token is refused a day
// after it was issued or last renewed, and a session no token reaches is
// dead, so the token's lifetime bounds how long a session is worth
// keeping. Two consequences: a session left idle past 900 s, which the
// running process forgets, comes back at a restart while its token is
// valid; and a session in use for longer than TTL since its last write is
// not restored: its user logs in again.
//
// nitro.Server sweeps the expired sessions out of a MemoryStore, but not
// out of another Store, so Set does it, at most once a minute: only Set
// adds sessions to the memory, so the memory grows no faster than the
// sweeps.
//
// All methods are safe for concurrent use.
type SessionStore struct {
	mem nitro.MemoryStore
	db  *bolt.DB
	ttl time.Duration
	now func() time.Time

	mu     sync.Mutex // serialises the writes, memory and disk
	closed bool       // the disk is no longer written
	swept  time.Time
	warned map[string]bool // the types whose values stayed in memory
}

var _ nitro.Store = (*SessionStore)(nil)

// SessionOptions configures OpenSessions; the zero value works.
type SessionOptions struct {
	// TTL is how long a session is kept on disk after its last write.
	// Zero means nitro.DefaultTokenTTL (24 h), a token's lifetime.
	TTL time.Duration
	// Now returns the current time, for the memory and the disk. Nil
	// means time.Now.
	Now func() time.Time
}

var sessionsBucket = []byte("sessions")

// sweepGap is how often Set sweeps the memory at most: the period at which
// nitro.Server sweeps a MemoryStore.
const sweepGap = time.Minute

// errUnchanged rolls back a write transaction that changed nothing:
// bbolt commits, and syncs, even a transaction without a change.
var errUnchanged = errors.New("chat: session unchanged")

// OpenSessions returns the store of the sessions in db, with the sessions
// written less than TTL ago loaded into memory, and the older ones, and
// any it cannot read, deleted from db. The caller closes db after Close.
func OpenSessions(db *bolt.DB, opts SessionOptions) (*SessionStore, error) {
	s := &SessionStore{db: db, ttl: opts.TTL, now: opts.Now, warned: map[string]bool{}}
	if s.ttl <= 0 {
		s.ttl = nitro.DefaultTokenTTL
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.mem.Now = s.now
	if err := s.load(); err != nil {
		return nil, fmt.Errorf("chat: loading the sessions: %w", err)
	}
	return s, nil
}

// load puts the live sessions on disk into memory and deletes the others.
func (s *SessionStore) load() error {
	now := s.now()
	s.swept = now
	var stale [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(sessionsBucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var ds diskSession
			if err := bert.Unmarshal(v, &ds); err != nil {
				slog.Warn("chat: dropping a session that cannot be read", "err", err)
				stale = append(stale, bytes.Clone(k))
				return nil
			}
			if now.Sub(time.UnixMilli(ds.Written)) >= s.ttl {
				stale = append(stale, bytes.Clone(k))
				return nil
			}
			sid := string(k)
			for _, dv := range ds.Values {
				v, err := dv.decode()
				if err != nil {
					slog.Warn("chat: dropping a session value that cannot be read", "key", dv.Key, "err", err)
					continue
				}
				s.mem.Set(sid, dv.Key, v)
			}
			return nil
		})
	})
	if err != nil || len(stale) == 0 {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(sessionsBucket)
		for _, k := range stale {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// Get implements nitro.Store: it reads the memory only.
func (s *SessionStore) Get(sid, key string) (any, bool) { return s.mem.Get(sid, key) }

// Set implements nitro.Store. It returns once the value is on disk, or
// once the disk has lost the key's older value if this one cannot be kept
// there. A nil value deletes key.
func (s *SessionStore) Set(sid, key string, value any) {
	if value == nil {
		s.Delete(sid, key)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if now := s.now(); now.Sub(s.swept) >= sweepGap {
		s.mem.Sweep()
		s.swept = now
	}
	s.mem.Set(sid, key, value)
	dv, err := encodeValue(key, value)
	if err != nil {
		if t := fmt.Sprintf("%T", value); !s.warned[t] {
			s.warned[t] = true
			slog.Warn("chat: a session value kept in memory only: lost at a restart", "key", key, "type", t, "err", err)
		}
		s.write(sid, func(ds *diskSession) bool { return ds.remove(key) })
		return
	}
	s.write(sid, func(ds *diskSession) bool { ds.put(dv); return true })
}

// Delete implements nitro.Store. It returns once the key is gone from the
// disk.
func (s *SessionStore) Delete(sid, key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mem.Delete(sid, key)
	s.write(sid, func(ds *diskSession) bool { return ds.remove(key) })
}

// Clear implements nitro.Store. It returns once the session is gone from
// the disk: a logout holds after a restart.
func (s *SessionStore) Clear(sid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mem.Clear(sid)
	if s.closed {
		return
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(sessionsBucket)
		if b == nil || b.Get([]byte(sid)) == nil {
			return errUnchanged
		}
		return b.Delete([]byte(sid))
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		slog.Error("chat: clearing a session on disk: it comes back at a restart", "err", err)
	}
}

// Close stops the writes to the disk, waiting for the one under way, so
// that the bbolt file can be closed; the store keeps working in memory.
func (s *SessionStore) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
}

// write applies change to session sid on disk and stamps the time of the
// write; a session left without values is deleted, as the memory drops
// it. change reports whether it changed anything. The caller holds s.mu.
func (s *SessionStore) write(sid string, change func(*diskSession) bool) {
	if s.closed {
		return
	}
	now := s.now()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(sessionsBucket)
		if err != nil {
			return err
		}
		var ds diskSession
		if v := b.Get([]byte(sid)); v != nil {
			if err := bert.Unmarshal(v, &ds); err != nil {
				ds = diskSession{} // unreadable: this write starts it afresh
			}
		}
		if !change(&ds) {
			return errUnchanged
		}
		if len(ds.Values) == 0 {
			return b.Delete([]byte(sid))
		}
		ds.Written = now.UnixMilli()
		v, err := bert.Marshal(ds)
		if err != nil {
			return err
		}
		return b.Put([]byte(sid), v)
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		slog.Error("chat: writing a session to disk: the change is lost at a restart", "err", err)
	}
}

// diskSession is a session as the bucket holds it.
type diskSession struct {
	_       struct{} `bert:"session"`
	Written int64    // Unix milliseconds of the last write
	Values  []diskValue
}

// diskValue is one value of a session, with the name of its Go type.
type diskValue struct {
	_     struct{} `bert:"value"`
	Key   string
	Type  string
	Value bert.Term
}

// put sets dv's key to dv.
func (ds *diskSession) put(dv diskValue) {
	for i := range ds.Values {
		if ds.Values[i].Key == dv.Key {
			ds.Values[i] = dv
			return
		}
	}
	ds.Values = append(ds.Values, dv)
}

// remove deletes key and reports whether it was there.
func (ds *diskSession) remove(key string) bool {
	for i := range ds.Values {
		if ds.Values[i].Key == key {
			ds.Values = append(ds.Values[:i], ds.Values[i+1:]...)
			return true
		}
	}
	return false
}

// errNotKept is why a value of a type not in valueTypes stays in memory.
var errNotKept = errors.New("not a type kept on disk")

// valueTypes decodes the values kept on disk, by the name of their type.
var valueTypes = map[string]func(bert.Term) (any, error){
	"string":  fromTerm[string],
	"bytes":   fromTerm[[]byte],
	"bool":    fromTerm[bool],
	"int":     fromTerm[int],
	"int64":   fromTerm[int64],
	"float64": fromTerm[float64],
	"term":    func(t bert.Term) (any, error) { return t, nil },
}

func fromTerm[T any](t bert.Term) (any, error) {
	var v T
	err := bert.FromTerm(t, &v)
	return v, err
}

// encodeValue returns value as the disk keeps it under key, or
// errNotKept for a type not in valueTypes.
func encodeValue(key string, value any) (diskValue, error) {
	var name string
	switch value.(type) {
	case string:
		name = "string"
	case []byte:
		name = "bytes"
	case bool:
		name = "bool"
	case int:
		name = "int"
	case int64:
		name = "int64"
	case float64:
		name = "float64"
	case bert.Term:
		name = "term"
	default:
		return diskValue{}, errNotKept
	}
	t, err := bert.ToTerm(value)
	if err != nil {
		return diskValue{}, err
	}
	return diskValue{Key: key, Type: name, Value: t}, nil
}

// decode returns the value dv holds, as the type it was stored as.
func (dv diskValue) decode() (any, error) {
	from, ok := valueTypes[dv.Type]
	if !ok {
		return nil, fmt.Errorf("unknown type %q", dv.Type)
	}
	return from(dv.Value)
}
