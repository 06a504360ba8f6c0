package main

import (
	"slices"
	"sync"

	"github.com/nitrogo/framework/nitro"
)

// Presence knows who is in which room: the users of the connections that
// joined it. A user with two tabs open counts once, and leaves when the
// last of them closes. It is safe for concurrent use.
type Presence struct {
	mu    sync.Mutex
	rooms map[string]map[string]int // room → user → connections
	where map[*nitro.Context]seat   // connection → where it sits
}

type seat struct{ room, user string }

// NewPresence returns an empty Presence.
func NewPresence() *Presence {
	return &Presence{rooms: map[string]map[string]int{}, where: map[*nitro.Context]seat{}}
}

// Join puts the connection cx of user in room and returns the room's
// members; arrived is true if user was not in the room before. Joining
// again is joining once. A connection is in one room at a time.
func (p *Presence) Join(cx *nitro.Context, room, user string) (users []string, arrived bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.where[cx]; ok {
		if s == (seat{room, user}) {
			return members(p.rooms[room]), false
		}
		p.leave(cx)
	}
	m := p.rooms[room]
	if m == nil {
		m = map[string]int{}
		p.rooms[room] = m
	}
	arrived = m[user] == 0
	m[user]++
	p.where[cx] = seat{room, user}
	return members(m), arrived
}

// Leave takes cx out of its room. It returns the room, and the user if
// that was the user's last connection there ("" if not, or if cx was in
// no room).
func (p *Presence) Leave(cx *nitro.Context) (room, gone string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.leave(cx)
}

func (p *Presence) leave(cx *nitro.Context) (room, gone string) {
	s, ok := p.where[cx]
	if !ok {
		return "", ""
	}
	delete(p.where, cx)
	m := p.rooms[s.room]
	m[s.user]--
	if m[s.user] > 0 {
		return s.room, ""
	}
	delete(m, s.user)
	if len(m) == 0 {
		delete(p.rooms, s.room)
	}
	return s.room, s.user
}

// Members returns the users in room, sorted.
func (p *Presence) Members(room string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return members(p.rooms[room])
}

func members(m map[string]int) []string {
	users := make([]string, 0, len(m))
	for u := range m {
		users = append(users, u)
	}
	slices.Sort(users)
	return users
}
