package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
	bolt "go.etcd.io/bbolt"
)

// journal is one journal file. One goroutine at a time uses it: the
// store's writer while it appends to it, else the store's mover (or open
// and Close), which hand it over through the writer's rotate channel.
type journal struct {
	f *os.File
}

// openJournal opens the journal file at path, creating it if need be, and
// returns it with what it holds. It syncs the directory too: a created
// file's name is written there, with an fsync of its own, and without it
// a crash could lose the file with the records synced into it.
func openJournal(path string) (*journal, []byte, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(f)
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return &journal{f: f}, data, nil
}

// append writes b, whole records, at the end of the journal with one
// write, and syncs it: once append returns nil, the records survive a
// crash. Sync, not fdatasync: an append grows the file, so fdatasync
// would write the inode for the new size all the same, and Sync is
// portable (on macOS it is F_FULLFSYNC, the only sync that reaches the
// disk there).
func (j *journal) append(b []byte) error {
	if _, err := j.f.Write(b); err != nil {
		return err
	}
	return j.f.Sync()
}

// reset empties the journal, once bbolt holds what it held. The writer
// appends to it again later (the file is opened O_APPEND, so from 0).
func (j *journal) reset() error {
	if err := j.f.Truncate(0); err != nil {
		return err
	}
	return j.f.Sync()
}

func (j *journal) close() error { return j.f.Close() }

// syncDir makes the entries of dir durable. Windows cannot open a
// directory for syncing: there the step is skipped.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// maxGroup bounds the appends of one journal write.
const maxGroup = 1024

// span is where a message's BERT lies in a group's journal write.
type span struct{ from, to int }

// rotateReq asks the writer to switch to spare; it answers on out.
type rotateReq struct {
	spare *journal
	out   chan rotation
}

// rotation is the journal file the writer left, and the highest sequence
// number it gave before leaving it.
type rotation struct {
	old *journal
	cut uint64
}

// writer writes the appends to journal j, group by group, and switches
// journal files when a move asks it to.
func (s *BoltStore) writer(j *journal) {
	defer close(s.written)
	batch := make([]appendReq, 0, maxGroup)
	for {
		select {
		case r := <-s.rotate:
			r.out <- rotation{old: j, cut: s.next - 1}
			j = r.spare
		case req, ok := <-s.reqs:
			if !ok {
				return
			}
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
			s.write(j, batch)
			clear(batch)
		}
	}
}

// write numbers the messages of batch, writes their records to j with one
// write and one sync, keeps them in memory and answers each Append.
func (s *BoltStore) write(j *journal, batch []appendReq) {
	if s.err != nil {
		for _, r := range batch {
			r.out <- appendResult{err: s.err}
		}
		return
	}
	results, terms := s.results[:0], s.terms[:0]
	size := 0
	for _, r := range batch {
		m := r.m
		m.Seq = s.next
		t, err := bert.ToTerm(m)
		n := 0
		if err == nil {
			n = binary.MaxVarintLen64 + len(r.room) + bert.Size(t) // the payload's length, or a little more
			if n > maxRecord {
				err = fmt.Errorf("%d bytes, over %d", n, maxRecord)
			}
		}
		if err != nil {
			results = append(results, appendResult{err: fmt.Errorf("chat: storing a message: %w", err)})
			terms = append(terms, bert.Term{})
			continue
		}
		s.next++
		results = append(results, appendResult{m: m})
		terms = append(terms, t)
		size += recordHeader + n
	}
	buf := make([]byte, 0, size) // kept until its messages are in bbolt
	spans := s.spans[:0]
	for i, r := range batch {
		if results[i].err != nil {
			spans = append(spans, span{})
			continue
		}
		b, at := beginRecord(buf)
		b = appendRoom(b, r.room)
		from := len(b)
		buf = bert.Append(b, terms[i])
		endRecord(buf, at)
		spans = append(spans, span{from, len(buf)})
	}
	if len(buf) > 0 {
		start := time.Now()
		err := j.append(buf)
		if fn := s.onSync.Load(); fn != nil {
			(*fn)(time.Since(start))
		}
		if err != nil {
			s.err = fmt.Errorf("chat: writing the journal: %w", err)
			s.failed.Store(&s.err) // never written again
			slog.Error("chat: the store stops taking messages", "err", s.err)
			for i := range results {
				results[i] = appendResult{err: s.err}
			}
		}
	}
	if s.err == nil {
		s.memMu.Lock()
		for i, r := range batch {
			if results[i].err != nil {
				continue
			}
			t := s.pending[r.room]
			if t == nil {
				t = new(tail)
				s.pending[r.room] = t
			}
			sp := spans[i]
			t.push(pendingMsg{seq: results[i].m.Seq, val: buf[sp.from:sp.to:sp.to]})
		}
		s.memMu.Unlock()
	}
	for i, r := range batch {
		r.out <- results[i]
	}
	clear(results)
	clear(terms)
	s.results, s.terms, s.spans = results, terms, spans
}

// mover moves the journal into bbolt every gap, until Close.
func (s *BoltStore) mover(gap time.Duration) {
	defer close(s.moverDone)
	tick := time.NewTicker(gap)
	defer tick.Stop()
	for {
		select {
		case <-s.stopMove:
			return
		case <-tick.C:
			if err := s.move(); err != nil {
				// The messages stay in memory and in the journal files,
				// and the next move tries again.
				slog.Error("chat: moving the journal into bbolt", "err", err)
			}
		}
	}
}

// move switches the writer to the spare journal file, puts the messages
// of the file it left into bbolt, and empties that file. It does nothing
// once the writer has returned: Close moves the rest.
func (s *BoltStore) move() error {
	s.moveMu.Lock()
	defer s.moveMu.Unlock()
	s.memMu.RLock()
	idle := len(s.pending) == 0
	s.memMu.RUnlock()
	if idle {
		return nil
	}
	r, ok := s.switchJournal()
	if !ok {
		return nil
	}
	if err := s.commit(r.cut); err != nil {
		return err
	}
	return r.old.reset()
}

// switchJournal has the writer switch to the spare journal file, and
// makes the file it left the next spare. If the commit that follows
// fails, that file keeps its records as a spare: the writer appends after
// them, and a later move empties it once bbolt holds them. It reports
// false if the writer has returned. The caller holds moveMu.
func (s *BoltStore) switchJournal() (rotation, bool) {
	out := make(chan rotation, 1)
	select {
	case s.rotate <- rotateReq{spare: s.spare, out: out}:
	case <-s.written:
		return rotation{}, false
	}
	r := <-out
	s.spare = r.old
	return r, true
}

// commit puts the answered messages numbered up to cut into their rooms'
// buckets, in one transaction, then lets them go from memory.
func (s *BoltStore) commit(cut uint64) error {
	parts, err := s.put(cut)
	if err != nil {
		return err
	}
	s.letGo(parts)
	return nil
}

// part is the messages of one room a commit puts into bbolt.
type part struct {
	room string
	msgs tail
}

// put puts the answered messages numbered up to cut into their rooms'
// buckets, in one transaction, and returns them by room.
func (s *BoltStore) put(cut uint64) ([]part, error) {
	var parts []part
	count := 0
	s.memMu.RLock()
	for room, t := range s.pending {
		if k := t.upTo(cut); k > 0 {
			parts = append(parts, part{room, t.prefix(k)})
			count += k
		}
	}
	s.memMu.RUnlock()
	if len(parts) == 0 {
		return nil, nil
	}
	keys := make([]byte, 0, 8*count)
	err := s.db.Update(func(tx *bolt.Tx) error {
		rooms := tx.Bucket(roomsBucket)
		for _, p := range parts {
			b, err := rooms.CreateBucketIfNotExists([]byte(p.room))
			if err != nil {
				return err
			}
			b.FillPercent = 0.9 // keys only grow: fuller pages, as etcd fills its buckets
			for i := range p.msgs.len() {
				pm := p.msgs.at(i)
				keys = binary.BigEndian.AppendUint64(keys, pm.seq)
				if err := b.Put(keys[len(keys)-8:], pm.val); err != nil {
					return err
				}
			}
		}
		if cut > rooms.Sequence() {
			return rooms.SetSequence(cut)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return parts, nil
}

// letGo drops from memory the messages put has put into bbolt. Until
// then, History reads them from memory and not from bbolt.
func (s *BoltStore) letGo(parts []part) {
	s.memMu.Lock()
	defer s.memMu.Unlock()
	for _, p := range parts {
		t := s.pending[p.room]
		if t.drop(p.msgs.len()); t.len() == 0 {
			delete(s.pending, p.room)
		}
	}
}

// replay puts the messages of the journals, and of an older file's "log"
// bucket, into the rooms' buckets, then empties the journals. It returns
// the highest sequence number the store has seen.
func (s *BoltStore) replay(data [2][]byte) (uint64, error) {
	type replayed struct {
		room, msg []byte
		seq       uint64
	}
	var recs []replayed
	for i, d := range data {
		n, err := scanRecords(d, func(p []byte) error {
			room, msg, m, err := decodeEntry(p)
			if err != nil {
				return err
			}
			recs = append(recs, replayed{room: room, msg: msg, seq: m.Seq})
			return nil
		})
		if n < len(d) {
			slog.Warn("chat: cutting the torn tail of a journal", "file", s.journals[i].f.Name(), "at", n, "bytes", len(d)-n, "err", err)
		}
	}
	var last uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		rooms, err := tx.CreateBucketIfNotExists(roomsBucket)
		if err != nil {
			return err
		}
		last = rooms.Sequence()
		if log := tx.Bucket(logBucket); log != nil {
			last = max(last, log.Sequence())
			err := log.ForEach(func(k, v []byte) error {
				room, msg, ok := entryRoom(v)
				if !ok {
					return fmt.Errorf("log entry %x is corrupt", k)
				}
				b, err := rooms.CreateBucketIfNotExists(room)
				if err != nil {
					return err
				}
				return b.Put(slices.Clone(k), slices.Clone(msg))
			})
			if err == nil {
				err = tx.DeleteBucket(logBucket)
			}
			if err != nil {
				return err
			}
		}
		var b *bolt.Bucket
		var broom []byte
		for _, r := range recs {
			if b == nil || string(broom) != string(r.room) {
				if b, err = rooms.CreateBucketIfNotExists(r.room); err != nil {
					return err
				}
				broom = r.room
			}
			if err := b.Put(binary.BigEndian.AppendUint64(nil, r.seq), r.msg); err != nil {
				return err
			}
			last = max(last, r.seq)
		}
		return rooms.SetSequence(last)
	})
	if err != nil {
		return 0, err
	}
	for i, d := range data {
		if len(d) > 0 {
			if err := s.journals[i].reset(); err != nil {
				return 0, err
			}
		}
	}
	return last, nil
}
