package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
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

// BoltStore is a Store in a bbolt file with a journal in front of it, as
// etcd keeps its data: a write-ahead log for durability, bbolt for
// reading.
//
// # Why a journal
//
// A bbolt commit syncs twice (the pages, then the meta page) and writes
// every page it dirtied, copied on write: committing each group of
// appends that way cost about 7 µs of CPU per message under load, and two
// syncs of latency. A group appended to the journal costs one write and
// one fsync. bbolt then commits once a second, for all that arrived in
// that second, off the path of an Append: the whole comes to under 4 µs
// a message (both figures from BenchmarkAppend).
//
// # Layout
//
// Beside the bbolt file at path are two journal files, path+".journal0"
// and path+".journal1" (journal.go has their records). A record's payload
// is a message with its room: the room's name, length first, then the
// message as BERT. In the bbolt file, the bucket "rooms" holds a bucket
// per room, whose keys are sequence numbers big-endian and values the
// messages as BERT; the sequence of "rooms" is the highest number the
// file has seen. Every message gets its number from one counter, so keys
// sort in the order of arrival.
//
// # Group commit
//
// One writer goroutine takes every append waiting, numbers the messages,
// writes their records to the journal with one write and one fsync, then
// answers each Append. A lone append is written at once (no batching
// delay, unlike bbolt's DB.Batch); under load, a group gathers what
// arrived while the previous one was syncing. An answered message stays
// in memory, in its room's tail, until bbolt holds it: History reads the
// tail (the newest messages), then the room's bucket for the older ones.
//
// # Moving into bbolt
//
// About once a second, and at Close, a move puts the answered messages
// into bbolt. The writer switches to the other journal file, and every
// message in the file it left is in memory by then. Those messages go
// into their rooms' buckets in one transaction; then they leave memory
// and the file is emptied, ready for the next switch. Appends carry on in
// the other file all along.
//
// # Crashes
//
// OpenBolt replays both journal files into bbolt, then empties them. A
// message is answered only once its record is synced, and a journal file
// is emptied only once bbolt has committed what it held, so an answered
// message is always in bbolt or in a journal. A crash while a group is
// being written leaves a torn record at the end of a journal: replay stops
// at the first torn or corrupt record, and that tail was never answered.
// A crash between a move's commit and the emptying of its file makes the
// replay put the same messages again under the same keys, which changes
// nothing. A file written before the journal existed, whose newest
// messages are in a bucket "log", has them moved into the rooms at open.
//
// A failed write or fsync of the journal stops Append for good: what
// reached the disk is then unknown, and Linux may have dropped the pages
// a failed fsync did not write, so the store returns the error from then
// on (etcd panics). History still serves, and Close still moves what was
// answered into bbolt.
//
// Append, History and Close are safe for concurrent use.
type BoltStore struct {
	db       *bolt.DB
	journals [2]*journal

	reqs    chan appendReq
	closeMu sync.RWMutex // held for reading by senders; Close takes it to close reqs
	shut    bool
	written chan struct{}  // closed when the writer has returned
	rotate  chan rotateReq // a move asks the writer to switch journal files

	// The writer goroutine's own, until written is closed.
	next    uint64 // the next sequence number
	err     error  // a failed write or sync: every Append fails from then on
	terms   []bert.Term
	results []appendResult
	spans   []span

	memMu   sync.RWMutex
	pending map[string]*tail // answered messages bbolt does not hold yet, by room

	moveMu    sync.Mutex // serialises moves
	spare     *journal   // the file the writer switches to at the next move
	stopMove  chan struct{}
	moverDone chan struct{}

	failed atomic.Pointer[error]               // err, for Ping, once set
	onSync atomic.Pointer[func(time.Duration)] // OnSync's
}

var (
	logBucket   = []byte("log") // the store before the journal: read at open only
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

// OpenBolt opens (or creates) the store in the file at path and its
// journal files beside it.
func OpenBolt(path string) (*BoltStore, error) {
	return openBolt(path, time.Second)
}

// initialMmap is the address space bbolt maps at open: growing the map
// copies every node a transaction has touched (bbolt's dereference), and
// a move that grows the file did that a few times per commit.
const initialMmap = 1 << 30

// openBolt is OpenBolt with moves every moveGap; with moveGap 0 there is
// no background move, only the ones a caller (a test) makes and Close's.
func openBolt(path string, moveGap time.Duration) (*BoltStore, error) {
	opts := &bolt.Options{Timeout: 2 * time.Second, FreelistType: bolt.FreelistMapType, NoFreelistSync: true}
	if math.MaxInt > 1<<32 && runtime.GOOS != "windows" { // there bbolt grows the file to the map
		opts.InitialMmapSize = initialMmap
	}
	db, err := bolt.Open(path, 0o600, opts)
	if errors.Is(err, bolt.ErrTimeout) { // bbolt waited for the file's lock
		return nil, fmt.Errorf("chat: the store %s is held by another instance of the chat: stop it, or give this one another -data directory", path)
	}
	if err != nil {
		return nil, fmt.Errorf("chat: opening the store: %w", err)
	}
	s := &BoltStore{
		db:      db,
		reqs:    make(chan appendReq, maxGroup),
		written: make(chan struct{}),
		rotate:  make(chan rotateReq),
		pending: make(map[string]*tail),
	}
	var data [2][]byte
	for i := range s.journals {
		s.journals[i], data[i], err = openJournal(fmt.Sprintf("%s.journal%d", path, i))
		if err == nil {
			continue
		}
		for _, j := range s.journals[:i] {
			j.close()
		}
		db.Close()
		return nil, fmt.Errorf("chat: opening the journal: %w", err)
	}
	last, err := s.replay(data)
	if err != nil {
		s.closeFiles()
		return nil, fmt.Errorf("chat: opening the store: %w", err)
	}
	s.next = last + 1
	s.spare = s.journals[1]
	go s.writer(s.journals[0])
	if moveGap > 0 {
		s.stopMove, s.moverDone = make(chan struct{}), make(chan struct{})
		go s.mover(moveGap)
	}
	return s, nil
}

// Append stores m in room with the next sequence number, and returns it
// as stored once it is on disk.
func (s *BoltStore) Append(room string, m Message) (Message, error) {
	if room == "" {
		return Message{}, errors.New("chat: empty room name")
	}
	out := resultChans.Get().(chan appendResult)
	s.closeMu.RLock()
	if s.shut {
		s.closeMu.RUnlock()
		resultChans.Put(out)
		return Message{}, ErrClosed
	}
	s.reqs <- appendReq{room: room, m: m, out: out}
	s.closeMu.RUnlock()
	r := <-out
	resultChans.Put(out) // the writer sends one result per request: out is empty again
	return r.m, r.err
}

// resultChans holds the channels Append waits on, each of capacity 1:
// the writer never blocks answering, and an Append allocates none.
var resultChans = sync.Pool{New: func() any { return make(chan appendResult, 1) }}

// History returns the last n messages of room, oldest first: the ones in
// its tail (the newest), then its bucket's. The bucket is read below the
// first number in the tail, so a message a move has just committed but
// not yet let go from memory is not read twice.
func (s *BoltStore) History(room string, n int) ([]Message, error) {
	if n <= 0 {
		return nil, nil
	}
	var newest [][]byte
	var below uint64 // 0: no bound
	s.memMu.RLock()
	if t := s.pending[room]; t != nil && t.len() > 0 {
		for i := max(0, t.len()-n); i < t.len(); i++ {
			newest = append(newest, t.at(i).val)
		}
		below = t.at(0).seq
	}
	s.memMu.RUnlock()
	var msgs []Message // newest first
	decode := func(k, v []byte) error {
		var m Message
		if err := bert.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("chat: message %x of room %q: %w", k, room, err)
		}
		msgs = append(msgs, m)
		return nil
	}
	for i := len(newest) - 1; i >= 0; i-- {
		if err := decode(nil, newest[i]); err != nil {
			return nil, err
		}
	}
	if len(msgs) == n {
		slices.Reverse(msgs)
		return msgs, nil
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(roomsBucket).Bucket([]byte(room))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, v := c.Last()
		if below != 0 {
			if k, _ = c.Seek(binary.BigEndian.AppendUint64(nil, below)); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil && len(msgs) < n; k, v = c.Prev() {
			if err := decode(k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Reverse(msgs)
	return msgs, nil
}

// Close waits for the appends under way, moves everything into bbolt, and
// closes the files.
func (s *BoltStore) Close() error {
	if !s.stop() {
		return nil
	}
	s.moveMu.Lock()
	err := s.commit(s.next - 1)
	if err == nil {
		for _, j := range s.journals {
			if err = j.reset(); err != nil {
				break
			}
		}
	}
	s.moveMu.Unlock()
	if err != nil {
		err = fmt.Errorf("chat: moving the journal into bbolt: %w (it is replayed at the next open)", err)
	}
	return errors.Join(err, s.closeFiles())
}

// Ping reports whether the store takes messages: ErrClosed once it is
// closed, the error that stopped Append after a failed write, else what a
// read of the bbolt file says. The chat's /readyz asks it.
func (s *BoltStore) Ping() error {
	s.closeMu.RLock()
	shut := s.shut
	s.closeMu.RUnlock()
	if shut {
		return ErrClosed
	}
	if err := s.failed.Load(); err != nil {
		return *err
	}
	return s.db.View(func(*bolt.Tx) error { return nil })
}

// OnSync sets fn to hear how long each group of appends took to reach
// the disk: the journal's write and its fsync, which an Append waits for.
// The chat's metrics time them so. The last call wins.
func (s *BoltStore) OnSync(fn func(time.Duration)) { s.onSync.Store(&fn) }

// stop stops taking appends and waits for the writer and the mover to
// return. It reports false if the store was stopped already.
func (s *BoltStore) stop() bool {
	s.closeMu.Lock()
	if s.shut {
		s.closeMu.Unlock()
		return false
	}
	s.shut = true
	close(s.reqs)
	s.closeMu.Unlock()
	<-s.written
	if s.stopMove != nil {
		close(s.stopMove)
		<-s.moverDone
	}
	return true
}

// boltDB returns the bbolt file, for the session values it also holds
// (sessions.go). It is closed by Close.
func (s *BoltStore) boltDB() *bolt.DB { return s.db }

func (s *BoltStore) closeFiles() error {
	var errs []error
	for _, j := range s.journals {
		errs = append(errs, j.close())
	}
	return errors.Join(append(errs, s.db.Close())...)
}

// An entry, a journal record's payload (and a value of the old "log"
// bucket), is the room's name, length first, then the message as BERT.
func appendEntry(b []byte, room string, m Message) ([]byte, error) {
	t, err := bert.ToTerm(m)
	if err != nil {
		return nil, err
	}
	return bert.Append(appendRoom(b, room), t), nil
}

func appendRoom(b []byte, room string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(room))), room...)
}

// entryRoom returns the room of an entry and the message's bytes.
func entryRoom(v []byte) (room, msg []byte, ok bool) {
	n, k := binary.Uvarint(v)
	if k <= 0 || uint64(len(v)-k) < n {
		return nil, nil, false
	}
	return v[k : k+int(n)], v[k+int(n):], true
}

// decodeEntry decodes an entry: the room (a slice of p), the message's
// bytes (too) and the message, which must have a room and a number.
func decodeEntry(p []byte) (room, msg []byte, m Message, err error) {
	room, msg, ok := entryRoom(p)
	if !ok || len(room) == 0 {
		return nil, nil, m, errors.New("no room")
	}
	if err := bert.Unmarshal(msg, &m); err != nil {
		return nil, nil, m, err
	}
	if m.Seq == 0 {
		return nil, nil, m, errors.New("no sequence number")
	}
	return room, msg, m, nil
}

// pendingMsg is an answered message that bbolt does not hold yet: its
// number, and its BERT, the value bbolt will hold, a slice of its group's
// journal write. History decodes it like a value read from bbolt.
type pendingMsg struct {
	seq uint64
	val []byte
}

// chunkLen is how many messages a chunk of a tail holds.
const chunkLen = 256

// tail is a room's pending messages, oldest first. It grows by chunks, so
// a push never copies more than a chunk: a slice grown by append copies
// all it holds, a quarter more each time once large, and a busy room's
// second of messages was copied several times over.
type tail struct {
	chunks [][]pendingMsg // all of chunkLen messages but the last
	head   int            // how many of chunks[0] are let go
}

func (t *tail) len() int {
	if len(t.chunks) == 0 {
		return 0
	}
	return (len(t.chunks)-1)*chunkLen + len(t.chunks[len(t.chunks)-1]) - t.head
}

// at returns the i-th oldest message.
func (t *tail) at(i int) pendingMsg {
	i += t.head
	return t.chunks[i/chunkLen][i%chunkLen]
}

func (t *tail) push(m pendingMsg) {
	if n := len(t.chunks); n == 0 || len(t.chunks[n-1]) == chunkLen {
		t.chunks = append(t.chunks, nil)
	}
	last := &t.chunks[len(t.chunks)-1]
	*last = append(*last, m)
}

// upTo returns how many of the oldest messages are numbered up to cut.
func (t *tail) upTo(cut uint64) int {
	return sort.Search(t.len(), func(i int) bool { return t.at(i).seq > cut })
}

// prefix returns the k oldest messages, 0 < k <= t.len(), as a tail of
// their own that shares their memory. Pushes only add after them, so it
// can be read without the lock that guards t.
func (t *tail) prefix(k int) tail {
	end := t.head + k
	n := (end + chunkLen - 1) / chunkLen
	chunks := slices.Clone(t.chunks[:n])
	chunks[n-1] = chunks[n-1][:end-(n-1)*chunkLen]
	return tail{chunks: chunks, head: t.head}
}

// drop lets go of the k oldest messages.
func (t *tail) drop(k int) {
	t.head += k
	n := t.head / chunkLen
	clear(t.chunks[:n])
	t.chunks = t.chunks[n:]
	t.head -= n * chunkLen
}
