package nitro

import (
	"sync"
	"time"
)

// Store keeps values on the server per session id: N2O's n2o_session
// storage behind n2o:session/1,2. The session id comes from the client's
// token; the values never leave the server.
//
// Implementations must be safe for concurrent use. Get and Set re-stamp
// the session's expiry, so a session lives as long as it is used.
type Store interface {
	// Get returns the value stored under key in session sid.
	Get(sid, key string) (any, bool)
	// Set stores value under key in session sid. A nil value deletes key.
	Set(sid, key string, value any)
	// Delete removes key from session sid.
	Delete(sid, key string)
	// Clear removes session sid and all its values (logout).
	Clear(sid string)
}

var _ Store = (*MemoryStore)(nil)

// DefaultSessionTTL is how long an unused session lives: N2O's default ttl.
const DefaultSessionTTL = 900 * time.Second

// storeShards spreads sessions over this many locks so that thousands of
// connections touching their own sessions rarely wait on each other.
const storeShards = 32

// MemoryStore is a Store held in process memory: sessions are lost when the
// process exits. The zero value is ready to use; a MemoryStore must not be
// copied after first use.
//
// Each session has one expiry, set to now + TTL by every Get and Set. An
// expired session reads as empty; its memory is freed by Sweep, which the
// Server calls every minute.
type MemoryStore struct {
	// TTL is how long a session lives after its last Get or Set.
	// Zero means DefaultSessionTTL (900 s, as N2O).
	TTL time.Duration
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time

	shards [storeShards]storeShard
}

type storeShard struct {
	mu       sync.Mutex
	sessions map[string]*memSession
}

type memSession struct {
	exp  time.Time
	vals map[string]any
}

func (s *MemoryStore) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *MemoryStore) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultSessionTTL
}

// shard picks sid's shard by FNV-1a, inlined so that it does not allocate.
func (s *MemoryStore) shard(sid string) *storeShard {
	h := uint32(2166136261)
	for i := 0; i < len(sid); i++ {
		h ^= uint32(sid[i])
		h *= 16777619
	}
	return &s.shards[h%storeShards]
}

// live returns sid's session if it exists and has not expired, dropping
// it if it has. The caller holds sh.mu.
func (sh *storeShard) live(sid string, now time.Time) *memSession {
	ss := sh.sessions[sid]
	if ss != nil && !now.Before(ss.exp) {
		delete(sh.sessions, sid)
		return nil
	}
	return ss
}

// Get implements Store.
func (s *MemoryStore) Get(sid, key string) (any, bool) {
	now := s.now()
	sh := s.shard(sid)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ss := sh.live(sid, now)
	if ss == nil {
		return nil, false
	}
	ss.exp = now.Add(s.ttl())
	v, ok := ss.vals[key]
	return v, ok
}

// Set implements Store. A nil value deletes key, as N2O's
// session(Key, undefined) does.
func (s *MemoryStore) Set(sid, key string, value any) {
	if value == nil {
		s.Delete(sid, key)
		return
	}
	now := s.now()
	sh := s.shard(sid)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ss := sh.live(sid, now)
	if ss == nil {
		ss = &memSession{vals: make(map[string]any)}
		if sh.sessions == nil {
			sh.sessions = make(map[string]*memSession)
		}
		sh.sessions[sid] = ss
	}
	ss.exp = now.Add(s.ttl())
	ss.vals[key] = value
}

// Delete implements Store. It does not re-stamp the expiry; a session left
// without values is dropped.
func (s *MemoryStore) Delete(sid, key string) {
	now := s.now()
	sh := s.shard(sid)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ss := sh.live(sid, now)
	if ss == nil {
		return
	}
	delete(ss.vals, key)
	if len(ss.vals) == 0 {
		delete(sh.sessions, sid)
	}
}

// Clear implements Store.
func (s *MemoryStore) Clear(sid string) {
	sh := s.shard(sid)
	sh.mu.Lock()
	delete(sh.sessions, sid)
	sh.mu.Unlock()
}

// Sweep removes every expired session and returns how many it removed.
// It locks one shard at a time, so it never stalls all sessions at once.
func (s *MemoryStore) Sweep() int {
	now := s.now()
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		for sid, ss := range sh.sessions {
			if !now.Before(ss.exp) {
				delete(sh.sessions, sid)
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}
