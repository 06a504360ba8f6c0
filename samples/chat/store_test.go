package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
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

func TestStoreConcurrentAppends(t *testing.T) {
	s := mustStore(t, "")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				if _, err := s.Append("room"+strconv.Itoa(g%2), Message{Text: strconv.Itoa(i)}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, room := range []string{"room0", "room1"} {
		msgs, _ := s.History(room, 1000)
		if len(msgs) != 200 {
			t.Errorf("%s holds %d messages, want 200", room, len(msgs))
		}
		for i := 1; i < len(msgs); i++ {
			if msgs[i].Seq <= msgs[i-1].Seq {
				t.Fatalf("%s: message %d has seq %d after %d", room, i, msgs[i].Seq, msgs[i-1].Seq)
			}
		}
	}
}

// BenchmarkAppend appends from 100 goroutines, one room each or all in
// one room: group commit makes one transaction, one fsync, of what waits.
func BenchmarkAppend(b *testing.B) {
	for _, rooms := range []int{1, 100} {
		b.Run(fmt.Sprintf("rooms=%d", rooms), func(b *testing.B) {
			s := mustStore(b, "")
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
	}
}

// TestStoreHistorySpansLogAndRoom reads a history part of which is still
// in the log and part already moved into the room's bucket.
func TestStoreHistorySpansLogAndRoom(t *testing.T) {
	s := mustStore(t, "")
	for i := range 3 {
		s.Append("kitchen", Message{Text: "old" + strconv.Itoa(i)})
		s.Append("garden", Message{Text: "other"})
	}
	s.move()
	for i := range 2 {
		s.Append("kitchen", Message{Text: "new" + strconv.Itoa(i)})
	}
	tests := []struct {
		n    int
		want string
	}{
		{10, "[old0 old1 old2 new0 new1]"},
		{3, "[old2 new0 new1]"},
		{1, "[new1]"},
	}
	for _, tt := range tests {
		msgs, err := s.History("kitchen", tt.n)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range msgs {
			got = append(got, m.Text)
		}
		if fmt.Sprint(got) != tt.want {
			t.Errorf("History(%d) = %v, want %s", tt.n, got, tt.want)
		}
	}
}
