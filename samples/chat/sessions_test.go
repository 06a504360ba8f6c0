package main

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
	"github.com/nitrogo/framework/nitro/nitrotest"
	bolt "go.etcd.io/bbolt"
)

// sessionsFile is a bbolt file holding sessions, opened and reopened as a
// restart would.
type sessionsFile struct {
	path string
	opts SessionOptions
	db   *bolt.DB
	s    *SessionStore
}

// mustSessions opens a SessionStore in a new bbolt file with opts.
func mustSessions(tb testing.TB, opts SessionOptions) *sessionsFile {
	tb.Helper()
	f := &sessionsFile{path: filepath.Join(tb.TempDir(), "chat.db"), opts: opts}
	f.open(tb)
	tb.Cleanup(f.close)
	return f
}

func (f *sessionsFile) open(tb testing.TB) {
	tb.Helper()
	db, err := bolt.Open(f.path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	s, err := OpenSessions(db, f.opts)
	if err != nil {
		db.Close()
		tb.Fatal(err)
	}
	f.db, f.s = db, s
}

func (f *sessionsFile) close() {
	if f.db == nil {
		return
	}
	f.s.Close()
	f.db.Close()
	f.db, f.s = nil, nil
}

// reopen closes the store and its file and opens them again.
func (f *sessionsFile) reopen(tb testing.TB) {
	tb.Helper()
	f.close()
	f.open(tb)
}

// onDisk reports whether the bucket holds session sid.
func (f *sessionsFile) onDisk(tb testing.TB, sid string) bool {
	tb.Helper()
	var found bool
	err := f.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(sessionsBucket); b != nil {
			found = b.Get([]byte(sid)) != nil
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return found
}

// sameValue reports whether got is want, of the same type.
func sameValue(got, want any) bool {
	if reflect.TypeOf(got) != reflect.TypeOf(want) {
		return false
	}
	if t, ok := want.(bert.Term); ok {
		return bert.Equal(got.(bert.Term), t)
	}
	return reflect.DeepEqual(got, want)
}

func TestSessionValuesSurviveReopen(t *testing.T) {
	tests := []struct {
		name  string
		value any
	}{
		{"string", "ann"},
		{"empty string", ""},
		{"bytes", []byte{0, 1, 255}},
		{"bool", true},
		{"int", -42},
		{"int64", int64(1) << 40},
		{"float64", 2.5},
		{"term", bert.Tuple(bert.Atom("user"), bert.BinString("ann"), bert.Int(7))},
	}
	f := mustSessions(t, SessionOptions{})
	for i, tt := range tests {
		f.s.Set(fmt.Sprint("sid", i), "k", tt.value)
	}
	f.reopen(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := f.s.Get(fmt.Sprint("sid", i), "k")
			if !ok || !sameValue(got, tt.value) {
				t.Errorf("after a reopen got %#v (%T), %v; want %#v (%T)", got, got, ok, tt.value, tt.value)
			}
		})
	}
}

func TestSessionWritesReachDisk(t *testing.T) {
	type kv = map[string]any
	tests := []struct {
		name string
		do   func(s *SessionStore)
		want kv // the session's values, in memory and after a reopen
	}{
		{"set", func(s *SessionStore) {
			s.Set("sid", "user", "ann")
			s.Set("sid", "room", "kitchen")
		}, kv{"user": "ann", "room": "kitchen"}},
		{"set again replaces", func(s *SessionStore) {
			s.Set("sid", "user", "ann")
			s.Set("sid", "user", "bob")
		}, kv{"user": "bob"}},
		{"delete", func(s *SessionStore) {
			s.Set("sid", "user", "ann")
			s.Set("sid", "room", "kitchen")
			s.Delete("sid", "room")
		}, kv{"user": "ann"}},
		{"set nil deletes", func(s *SessionStore) {
			s.Set("sid", "user", "ann")
			s.Set("sid", "room", "kitchen")
			s.Set("sid", "room", nil)
		}, kv{"user": "ann"}},
		{"delete the last value", func(s *SessionStore) {
			s.Set("sid", "user", "ann")
			s.Delete("sid", "user")
		}, kv{}},
		{"clear (logout)", func(s *SessionStore) {
			s.Set("sid", "user", "ann")
			s.Set("sid", "room", "kitchen")
			s.Clear("sid")
		}, kv{}},
		{"clear then log in again", func(s *SessionStore) {
			s.Set("sid", "user", "ann")
			s.Clear("sid")
			s.Set("sid", "user", "bob")
		}, kv{"user": "bob"}},
		{"delete and clear of nothing", func(s *SessionStore) {
			s.Delete("sid", "user")
			s.Clear("sid")
		}, kv{}},
		{"other sessions untouched", func(s *SessionStore) {
			s.Set("other", "user", "bob")
			s.Set("sid", "user", "ann")
			s.Clear("other")
		}, kv{"user": "ann"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := mustSessions(t, SessionOptions{})
			tt.do(f.s)
			check := func(when string) {
				t.Helper()
				for _, key := range []string{"user", "room"} {
					got, ok := f.s.Get("sid", key)
					want, wantOK := tt.want[key]
					if ok != wantOK || (ok && !sameValue(got, want)) {
						t.Errorf("%s: %s = %#v, %v; want %#v, %v", when, key, got, ok, want, wantOK)
					}
				}
			}
			check("in memory")
			f.reopen(t)
			check("after a reopen")
			if got, want := f.onDisk(t, "sid"), len(tt.want) > 0; got != want {
				t.Errorf("session on disk: %v, want %v", got, want)
			}
		})
	}
}

// TestSessionValueNotKeptStaysInMemory sets a value bert cannot encode in
// place of one it can: the new value is read back until a restart, and
// the old one does not come back after it.
func TestSessionValueNotKeptStaysInMemory(t *testing.T) {
	f := mustSessions(t, SessionOptions{})
	f.s.Set("sid", "user", "ann")
	f.s.Set("sid", "cart", "old")
	ch := make(chan int)
	f.s.Set("sid", "cart", ch)
	if got, ok := f.s.Get("sid", "cart"); !ok || got != any(ch) {
		t.Errorf("before a restart cart = %v, %v; want the channel", got, ok)
	}
	f.reopen(t)
	if got, ok := f.s.Get("sid", "cart"); ok {
		t.Errorf("after a reopen cart = %#v, want none", got)
	}
	if got, _ := f.s.Get("sid", "user"); got != "ann" {
		t.Errorf("after a reopen user = %#v, want \"ann\"", got)
	}
}

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func TestOldSessionsDroppedAtLoad(t *testing.T) {
	const ttl = 24 * time.Hour
	tests := []struct {
		age  time.Duration // since the last write, at the reopen
		kept bool
	}{
		{0, true},
		{nitro.DefaultSessionTTL + time.Minute, true}, // past the memory's TTL, not the disk's
		{ttl - time.Second, true},
		{ttl, false},
		{7 * ttl, false},
	}
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := &testClock{t: start}
	f := mustSessions(t, SessionOptions{TTL: ttl, Now: clock.Now})
	now := start.Add(30 * ttl)
	for _, tt := range tests {
		clock.set(now.Add(-tt.age))
		f.s.Set(tt.age.String(), "user", "ann")
		f.s.Set(tt.age.String(), "room", "kitchen")
	}
	clock.set(now)
	f.reopen(t)
	for _, tt := range tests {
		sid := tt.age.String()
		got, ok := f.s.Get(sid, "user")
		if ok != tt.kept || (ok && got != "ann") {
			t.Errorf("written %v ago: user = %#v, %v; want kept %v", tt.age, got, ok, tt.kept)
		}
		if on := f.onDisk(t, sid); on != tt.kept {
			t.Errorf("written %v ago: on disk %v, want %v", tt.age, on, tt.kept)
		}
	}
}

func TestUnreadableSessionDroppedAtLoad(t *testing.T) {
	f := mustSessions(t, SessionOptions{})
	f.s.Set("good", "user", "ann")
	err := f.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(sessionsBucket).Put([]byte("bad"), []byte("not bert"))
	})
	if err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	if f.onDisk(t, "bad") {
		t.Error("the unreadable session is still on disk")
	}
	if got, _ := f.s.Get("good", "user"); got != "ann" {
		t.Errorf("good session's user = %#v, want \"ann\"", got)
	}
}

func TestSessionStoreClosedKeepsMemoryOnly(t *testing.T) {
	f := mustSessions(t, SessionOptions{})
	f.s.Set("sid", "user", "ann")
	f.s.Close()
	f.s.Set("sid", "user", "bob")
	f.s.Clear("other")
	if got, _ := f.s.Get("sid", "user"); got != "bob" {
		t.Errorf("after Close user = %#v, want \"bob\" in memory", got)
	}
	f.reopen(t)
	if got, _ := f.s.Get("sid", "user"); got != "ann" {
		t.Errorf("after a reopen user = %#v, want \"ann\", the last write before Close", got)
	}
}

func TestSessionStoreConcurrent(t *testing.T) {
	f := mustSessions(t, SessionOptions{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			sid := fmt.Sprint("sid", g)
			for i := range 5 {
				f.s.Set(sid, "n", i)
				if got, ok := f.s.Get(sid, "n"); !ok || got != i {
					t.Errorf("%s: n = %v, %v; want %d", sid, got, ok, i)
				}
			}
			f.s.Clear(sid + "x")
		})
	}
	wg.Wait()
	f.reopen(t)
	for g := range 4 {
		if got, _ := f.s.Get(fmt.Sprint("sid", g), "n"); got != 4 {
			t.Errorf("sid%d: n = %v after a reopen, want 4", g, got)
		}
	}
}

// getRoom fetches the room's first paint with token's cookie, following
// no redirect.
func getRoom(tb testing.TB, base, token string) (status int, location, body string) {
	tb.Helper()
	req, err := http.NewRequest("GET", base+"/room?room=kitchen", nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "X-Auth-Token", Value: token})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// wantLoggedIn checks that the room's first paint is for user ann.
func wantLoggedIn(tb testing.TB, base, token, when string) {
	tb.Helper()
	status, loc, body := getRoom(tb, base, token)
	if status != http.StatusOK || !strings.Contains(body, "Logout ann") {
		tb.Errorf("%s: GET /room: %d to %q, want 200 with the room of ann: %.300s", when, status, loc, body)
	}
}

// wantLoggedOut checks that the room sends the browser to /login.
func wantLoggedOut(tb testing.TB, base, token, when string) {
	tb.Helper()
	if status, loc, _ := getRoom(tb, base, token); status != http.StatusSeeOther || loc != "/login" {
		tb.Errorf("%s: GET /room: %d to %q, want 303 to /login", when, status, loc)
	}
}

// TestLoginSurvivesAppRestart closes the app and opens another on the same
// data directory, in process: the session's token still opens the room,
// and after a logout it no longer does.
func TestLoginSurvivesAppRestart(t *testing.T) {
	dir, keys := t.TempDir(), nitrotest.NewKeyRing(t)
	start := func() (*App, *nitrotest.Server) {
		app, err := newAppWith(dir, nitro.Config{Keys: keys}, defaults)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { app.Close() })
		return app, nitrotest.Serve(t, app.Server, app.Handler)
	}
	restart := func(app *App, s *nitrotest.Server) (*App, *nitrotest.Server) {
		s.Close()
		if err := app.Close(); err != nil {
			t.Fatal(err)
		}
		return start()
	}
	app, s := start()
	token := mustLogin(t, s, "ann", "kitchen").Token()
	app, s = restart(app, s)
	wantLoggedIn(t, s.HTTP.URL, token, "after a restart")
	c := s.Dial("/room?room=kitchen", nitrotest.WithToken(token))
	if reply := c.Init(); !strings.Contains(reply.JS, "Logout ann") {
		t.Fatalf("after a restart the room's socket replied %.300q, want the room of ann", reply.JS)
	}
	p, _ := c.Pickle("logout")
	c.Postback("logout", p)
	waitJS(t, c, `window.location.assign("/login")`)
	_, s = restart(app, s)
	wantLoggedOut(t, s.HTTP.URL, token, "after a logout and a restart")
}

// TestLoginSurvivesProcessRestart runs the sample as a process, as
// nitro-dev does: a user logged in is still logged in after a restart
// (SIGTERM), and after a kill -9; a user logged out stays logged out.
func TestLoginSurvivesProcessRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the sample as a process")
	}
	dir := t.TempDir()
	bin := mustBuild(t, dir)
	data := dir + "/data"
	p := mustStart(t, bin, data)
	c, err := wsEnter(p.addr, "ann", "kitchen")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	token := c.token
	p.stop()
	p = mustStart(t, bin, data)
	wantLoggedIn(t, "http://"+p.addr, token, "after SIGTERM and a restart")
	p.kill()
	p = mustStart(t, bin, data)
	wantLoggedIn(t, "http://"+p.addr, token, "after kill -9 and a restart")

	c, err = wsDial(p.addr, "/room?room=kitchen", token)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if js, err := c.init(); err != nil || !strings.Contains(js, "Logout ann") {
		t.Fatalf("the room's socket: %v, %.300q; want the room of ann", err, js)
	}
	if err := c.postback("logout"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.waitJS(`window.location.assign("/login")`, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	p.kill() // right after the logout's reply
	p = mustStart(t, bin, data)
	wantLoggedOut(t, "http://"+p.addr, token, "after a logout, kill -9 and a restart")
	if t.Failed() {
		t.Logf("log of the last process: %s", p.log)
	}
}
