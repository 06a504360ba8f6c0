package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro/bert"
	bolt "go.etcd.io/bbolt"
)

func mustStore(tb testing.TB, path string) *BoltStore {
	tb.Helper()
	if path == "" {
		path = filepath.Join(tb.TempDir(), "chat.db")
	}
	s, err := OpenBolt(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestStoreAppendHistoryReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.db")
	s := mustStore(t, path)
	for i := range 5 {
		m, err := s.Append("kitchen", Message{User: "ann", Text: "m" + strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		if m.Seq != uint64(i+1) {
			t.Errorf("message %d got seq %d, want %d", i, m.Seq, i+1)
		}
	}
	s.Append("garden", Message{User: "bob", Text: "elsewhere"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append("kitchen", Message{}); err != ErrClosed {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
	s = mustStore(t, path)
	tests := []struct {
		room string
		n    int
		want []string
	}{
		{"kitchen", 10, []string{"m0", "m1", "m2", "m3", "m4"}},
		{"kitchen", 2, []string{"m3", "m4"}},
		{"garden", 10, []string{"elsewhere"}},
		{"attic", 10, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.room, tt.n), func(t *testing.T) {
			msgs, err := s.History(tt.room, tt.n)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range msgs {
				got = append(got, m.Text)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// mustOpen opens the store at path (in a new directory if path is ""),
// moving the journal into bbolt every gap; with gap 0 only the test and
// Close move it.
func mustOpen(tb testing.TB, path string, gap time.Duration) *BoltStore {
	tb.Helper()
	if path == "" {
		path = filepath.Join(tb.TempDir(), "chat.db")
	}
	s, err := openBolt(path, gap)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// crash stops s as if its process were killed: appends under way are
// answered, then its files are closed as they are, and nothing more is
// moved into bbolt.
func (s *BoltStore) crash() {
	if s.stop() {
		s.closeFiles()
	}
}

func mustAppend(tb testing.TB, s Store, room, text string) Message {
	tb.Helper()
	m, err := s.Append(room, Message{User: "ann", Text: text})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// mustTexts returns the texts of room's last n messages.
func mustTexts(tb testing.TB, s Store, room string, n int) []string {
	tb.Helper()
	msgs, err := s.History(room, n)
	if err != nil {
		tb.Fatal(err)
	}
	var texts []string
	for _, m := range msgs {
		texts = append(texts, m.Text)
	}
	return texts
}

// TestStoreCrashReplay abandons the store without Close, at each point of
// a move, and finds every answered message after reopening, once.
func TestStoreCrashReplay(t *testing.T) {
	move := func(t *testing.T, s *BoltStore) {
		if err := s.move(); err != nil {
			t.Fatal(err)
		}
	}
	// switchOnly is a move whose commit failed: the file keeps its records.
	switchOnly := func(t *testing.T, s *BoltStore) {
		s.moveMu.Lock()
		defer s.moveMu.Unlock()
		s.switchJournal()
	}
	// commitOnly is a move cut short before it empties the file.
	commitOnly := func(t *testing.T, s *BoltStore) {
		s.moveMu.Lock()
		defer s.moveMu.Unlock()
		r, _ := s.switchJournal()
		if err := s.commit(r.cut); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		mid, end func(*testing.T, *BoltStore)
	}{
		{"in the journal only", nil, nil},
		{"moved, then more", move, nil},
		{"all moved", move, move},
		{"committed, file not emptied", nil, commitOnly},
		{"moved, then committed, file not emptied", move, commitOnly},
		{"switched, not committed", nil, switchOnly},
		{"switched twice, not committed", switchOnly, switchOnly},
		{"commit failed, then moved", switchOnly, move},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "chat.db")
			s := mustOpen(t, path, 0)
			for i := range 5 {
				mustAppend(t, s, "kitchen", "a"+strconv.Itoa(i))
			}
			mustAppend(t, s, "garden", "g0")
			if tt.mid != nil {
				tt.mid(t, s)
			}
			mustAppend(t, s, "kitchen", "b0")
			mustAppend(t, s, "kitchen", "b1")
			if tt.end != nil {
				tt.end(t, s)
			}
			s.crash()
			for range 2 { // and a crash right after the replay
				s = mustOpen(t, path, 0)
				if got, want := fmt.Sprint(mustTexts(t, s, "kitchen", 100)), "[a0 a1 a2 a3 a4 b0 b1]"; got != want {
					t.Errorf("kitchen: got %s, want %s", got, want)
				}
				if got, want := fmt.Sprint(mustTexts(t, s, "garden", 100)), "[g0]"; got != want {
					t.Errorf("garden: got %s, want %s", got, want)
				}
				s.crash()
			}
			s = mustOpen(t, path, 0)
			if m := mustAppend(t, s, "kitchen", "after"); m.Seq != 9 {
				t.Errorf("the next message got seq %d, want 9", m.Seq)
			}
		})
	}
}

// TestStoreTornTailCut ends the journal with what a crash in the middle
// of a write can leave: open cuts it off and keeps what came before.
func TestStoreTornTailCut(t *testing.T) {
	never := mustEntryRecord(t, "kitchen", Message{Seq: 4, Text: "never answered"})
	flipped := bytes.Clone(never)
	flipped[len(flipped)-2] ^= 1
	tests := []struct {
		name string
		tail []byte
	}{
		{"half a header", never[:5]},
		{"half a record", never[:len(never)/2]},
		{"zeros", make([]byte, 8192)},
		{"garbage", []byte("torn torn torn torn torn")},
		{"a flipped bit", flipped},
		{"a flipped bit, then a whole record", append(bytes.Clone(flipped), mustEntryRecord(t, "kitchen", Message{Seq: 5, Text: "after the tear"})...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "chat.db")
			s := mustOpen(t, path, 0)
			for i := range 3 {
				mustAppend(t, s, "kitchen", "m"+strconv.Itoa(i))
			}
			s.crash()
			f, err := os.OpenFile(path+".journal0", os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.Write(tt.tail); err != nil {
				t.Fatal(err)
			}
			f.Close()
			s = mustOpen(t, path, 0)
			if got, want := fmt.Sprint(mustTexts(t, s, "kitchen", 100)), "[m0 m1 m2]"; got != want {
				t.Errorf("got %s, want %s", got, want)
			}
			if fi, err := os.Stat(path + ".journal0"); err != nil || fi.Size() != 0 {
				t.Errorf("the journal after open: %v, %v; want it empty", fi.Size(), err)
			}
			if m := mustAppend(t, s, "kitchen", "next"); m.Seq != 4 {
				t.Errorf("the next message got seq %d, want 4", m.Seq)
			}
		})
	}
}

// TestStoreConcurrentAppends appends from many goroutines while moves run
// every millisecond: every message gets its own number and is in History.
func TestStoreConcurrentAppends(t *testing.T) {
	s := mustOpen(t, "", time.Millisecond)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seqs := make(map[uint64]bool)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				m, err := s.Append("room"+strconv.Itoa(g%2), Message{Text: strconv.Itoa(i)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seqs[m.Seq] {
					t.Errorf("seq %d given twice", m.Seq)
				}
				seqs[m.Seq] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	seen := 0
	for _, room := range []string{"room0", "room1"} {
		msgs, _ := s.History(room, 1000)
		if len(msgs) != 200 {
			t.Errorf("%s holds %d messages, want 200", room, len(msgs))
		}
		for i, m := range msgs {
			if i > 0 && m.Seq <= msgs[i-1].Seq {
				t.Fatalf("%s: message %d has seq %d after %d", room, i, m.Seq, msgs[i-1].Seq)
			}
			if seqs[m.Seq] {
				seen++
			}
		}
	}
	if seen != 400 {
		t.Errorf("History shows %d of the 400 answered messages", seen)
	}
}

// TestStoreMoveRacesAppends moves the journal into bbolt without pause
// while rooms are appended to and read: History always shows a room's
// messages from the first, each once, in order, up to at least the last
// one answered before it was called.
func TestStoreMoveRacesAppends(t *testing.T) {
	const rooms, perRoom = 4, 150
	path := filepath.Join(t.TempDir(), "chat.db")
	s := mustOpen(t, path, 0)
	var answered [rooms]atomic.Int64
	var appenders, others sync.WaitGroup
	done := make(chan struct{})
	for r := range rooms {
		appenders.Go(func() {
			for i := range perRoom {
				if _, err := s.Append("room"+strconv.Itoa(r), Message{Text: strconv.Itoa(i)}); err != nil {
					t.Error(err)
					return
				}
				answered[r].Store(int64(i + 1))
			}
		})
	}
	others.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if err := s.move(); err != nil {
				t.Error(err)
				return
			}
		}
	})
	check := func(room int, n int) {
		before := answered[room].Load()
		texts := mustTexts(t, s, "room"+strconv.Itoa(room), n)
		if int64(len(texts)) < min(before, int64(n)) {
			t.Errorf("room%d: History(%d) gives %d messages after %d were answered", room, n, len(texts), before)
			return
		}
		first := 0
		if len(texts) > 0 {
			first, _ = strconv.Atoi(texts[0])
		}
		for i, text := range texts {
			if text != strconv.Itoa(first+i) {
				t.Errorf("room%d: History(%d) = %v: not consecutive", room, n, texts)
				return
			}
		}
		if n >= perRoom && first != 0 {
			t.Errorf("room%d: History(%d) starts at %d, want 0", room, n, first)
		}
		if last := first + len(texts); int64(last) < before {
			t.Errorf("room%d: History(%d) ends at %d after %d were answered", room, n, last, before)
		}
	}
	others.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			for r := range rooms {
				check(r, 1000)
				check(r, 5)
			}
		}
	})
	appenders.Wait()
	close(done)
	others.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, path, 0)
	for r := range rooms {
		if got := len(mustTexts(t, s, "room"+strconv.Itoa(r), 1000)); got != perRoom {
			t.Errorf("room%d holds %d messages after reopening, want %d", r, got, perRoom)
		}
		check(r, 1000)
	}
}

// TestStoreHistorySpansJournalAndBolt reads a history part of which is
// still in memory and the journal, and part already in the room's
// bucket; also between a move's commit and its letting go of memory,
// when both hold the older part.
func TestStoreHistorySpansJournalAndBolt(t *testing.T) {
	moved := func(t *testing.T, s *BoltStore) {
		if err := s.move(); err != nil {
			t.Fatal(err)
		}
	}
	putOnly := func(t *testing.T, s *BoltStore) {
		s.moveMu.Lock()
		defer s.moveMu.Unlock()
		r, _ := s.switchJournal()
		if _, err := s.put(r.cut); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []struct {
		name string
		f    func(*testing.T, *BoltStore)
	}{{"moved", moved}, {"put, not let go", putOnly}} {
		t.Run(step.name, func(t *testing.T) {
			s := mustOpen(t, "", 0)
			for i := range 3 {
				mustAppend(t, s, "kitchen", "old"+strconv.Itoa(i))
				mustAppend(t, s, "garden", "other")
			}
			step.f(t, s)
			for i := range 2 {
				mustAppend(t, s, "kitchen", "new"+strconv.Itoa(i))
			}
			tests := []struct {
				n    int
				want string
			}{
				{10, "[old0 old1 old2 new0 new1]"},
				{5, "[old0 old1 old2 new0 new1]"},
				{3, "[old2 new0 new1]"},
				{2, "[new0 new1]"},
				{1, "[new1]"},
				{0, "[]"},
			}
			for _, tt := range tests {
				if got := fmt.Sprint(mustTexts(t, s, "kitchen", tt.n)); got != tt.want {
					t.Errorf("History(%d) = %v, want %s", tt.n, got, tt.want)
				}
			}
		})
	}
}

// TestStoreMigratesLogBucket opens a file of the store before the
// journal, whose newest messages are in the bucket "log".
func TestStoreMigratesLogBucket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		rooms, _ := tx.CreateBucket(roomsBucket)
		kitchen, _ := rooms.CreateBucket([]byte("kitchen"))
		v, _ := bert.Marshal(Message{Seq: 1, Text: "moved0"})
		kitchen.Put(binary.BigEndian.AppendUint64(nil, 1), v)
		log, _ := tx.CreateBucket(logBucket)
		log.SetSequence(1)
		for _, e := range []struct{ room, text string }{{"kitchen", "logged1"}, {"garden", "logged2"}} {
			seq, _ := log.NextSequence()
			v, err := appendEntry(nil, e.room, Message{Seq: seq, Text: e.text})
			if err != nil {
				return err
			}
			log.Put(binary.BigEndian.AppendUint64(nil, seq), v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s := mustOpen(t, path, 0)
	tests := []struct{ room, want string }{
		{"kitchen", "[moved0 logged1]"},
		{"garden", "[logged2]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(mustTexts(t, s, tt.room, 10)); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.room, got, tt.want)
		}
	}
	if m := mustAppend(t, s, "kitchen", "new"); m.Seq != 4 {
		t.Errorf("the next message got seq %d, want 4", m.Seq)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(logBucket) != nil {
			t.Error("the log bucket is still there")
		}
		return nil
	})
}

// TestStoreStopsAfterFailedWrite fails a journal write: that Append and
// every later one fail, and what was answered before stays.
func TestStoreStopsAfterFailedWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.db")
	s := mustOpen(t, path, 0)
	mustAppend(t, s, "kitchen", "kept")
	s.journals[0].f.Close() // the writer's file: its next write fails
	for i := range 2 {
		if _, err := s.Append("kitchen", Message{Text: "lost"}); err == nil || errors.Is(err, ErrClosed) {
			t.Errorf("Append %d after a failed write: %v, want the write's error", i, err)
		}
	}
	if got, want := fmt.Sprint(mustTexts(t, s, "kitchen", 10)), "[kept]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	s.Close() // it cannot empty the closed journal, and says so
	s = mustOpen(t, path, 0)
	if got, want := fmt.Sprint(mustTexts(t, s, "kitchen", 10)), "[kept]"; got != want {
		t.Errorf("after reopening: got %s, want %s", got, want)
	}
}

func TestTail(t *testing.T) {
	tests := []struct{ push, drop int }{
		{0, 0},
		{1, 0},
		{1, 1},
		{chunkLen, 0},
		{chunkLen, chunkLen},
		{chunkLen + 1, chunkLen},
		{chunkLen + 1, 1},
		{3*chunkLen + 5, chunkLen + 7},
		{3 * chunkLen, 3*chunkLen - 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("push %d, drop %d", tt.push, tt.drop), func(t *testing.T) {
			var tl tail
			for i := range tt.push {
				tl.push(pendingMsg{seq: uint64(i + 1)})
			}
			tl.drop(tt.drop)
			n := tt.push - tt.drop
			if tl.len() != n {
				t.Fatalf("len %d, want %d", tl.len(), n)
			}
			for i := range n {
				if got, want := tl.at(i).seq, uint64(tt.drop+i+1); got != want {
					t.Fatalf("at(%d) is %d, want %d", i, got, want)
				}
			}
			if got := tl.upTo(uint64(tt.drop + n/2)); got != n/2 {
				t.Errorf("upTo(%d) = %d, want %d", tt.drop+n/2, got, n/2)
			}
			for _, k := range []int{1, n / 2, n} {
				if k == 0 || k > n {
					continue
				}
				p := tl.prefix(k)
				tl.push(pendingMsg{seq: 1 << 40}) // after the prefix: not in it
				if p.len() != k || p.at(0).seq != uint64(tt.drop+1) || p.at(k-1).seq != uint64(tt.drop+k) {
					t.Errorf("prefix(%d) holds %d, from %d to %d", k, p.len(), p.at(0).seq, p.at(p.len()-1).seq)
				}
			}
		})
	}
}

// BenchmarkAppend appends from one goroutine (ns/op is then the latency
// of a durable append), and from 100 goroutines per core, all in one room
// or spread over 100. It closes the store before it stops the clock, so
// the figures hold the whole cost of a durable message: its commit and
// its later move into the rooms' buckets. cpu-ns/op is the process's user
// and system time per message (getrusage), what the chat's CPU budget is
// about; with many goroutines, ns/op is the inverse of throughput.
func BenchmarkAppend(b *testing.B) {
	b.Run("alone", func(b *testing.B) {
		benchAppend(b, func(s Store) {
			for range b.N {
				if _, err := s.Append("room", Message{User: "ann", Text: "a message of a usual length, say forty-odd characters"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	for _, rooms := range []int{1, 100} {
		b.Run(fmt.Sprintf("rooms=%d", rooms), func(b *testing.B) {
			benchAppend(b, func(s Store) {
				var next atomic.Int64
				b.SetParallelism(100)
				b.RunParallel(func(pb *testing.PB) {
					room := "room" + strconv.Itoa(int(next.Add(1))%rooms)
					for pb.Next() {
						if _, err := s.Append(room, Message{User: "ann", Text: "a message of a usual length, say forty-odd characters"}); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

// benchAppend times run on a new store, and the store's Close.
func benchAppend(b *testing.B, run func(Store)) {
	s, err := OpenBolt(filepath.Join(b.TempDir(), "chat.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := cpuTime(b)
	b.ResetTimer()
	run(s)
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the user and system time the process has used so far.
func cpuTime(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestStoreHeldByAnother: a second instance on the same data directory
// is told that another one holds the store, and what to do.
func TestStoreHeldByAnother(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.db")
	first, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	_, err = OpenBolt(path)
	if err == nil || !strings.Contains(err.Error(), "another instance") || !strings.Contains(err.Error(), "-data") {
		t.Errorf("second open: %v, want it to name another instance and -data", err)
	}
}
