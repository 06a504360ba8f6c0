package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/ftp"
	"github.com/nitrogo/framework/nitro/health"
	"github.com/nitrogo/framework/nitro/keys"
	"github.com/nitrogo/framework/nitro/limit"
	"github.com/nitrogo/framework/nitro/tcp"
	"github.com/nitrogo/framework/nitro/ws"
	"github.com/nitrogo/framework/pages"
	"github.com/nitrogo/framework/samples/login"
	xrate "golang.org/x/time/rate"
)

// App is the sample wired together: the nitro server, the store, the
// router with the pages and the files.
type App struct {
	Server   *nitro.Server
	Store    Store
	Presence *Presence
	Handler  http.Handler

	sessions *SessionStore // in the store's bbolt file; nil if the caller gave a nitro.Store
	room     *Room
	lines    *tcp.Server // the rooms over lines (ServeLines), on Server: one pub/sub
}

// ServeLines serves the rooms over lines on ln (Lines), until ln fails or
// Close; it closes ln.
func (a *App) ServeLines(ln net.Listener) error {
	err := a.lines.Serve(ln, &Lines{Room: a.room})
	if errors.Is(err, tcp.ErrServerClosed) {
		return nil
	}
	return err
}

// historyLen is how many messages a room shows on entry.
const historyLen = 200

// A session may post 20 messages a second, sustained, and 40 at once:
// more than a person types, less than a script filling the disk.
const (
	messageRate  = 20
	messageBurst = 40
)

// limits are the sample's protections against a flood; load tests lift
// them (0), as one of their clients stands for many users.
type limits struct {
	rate  float64 // messages a second a session may post
	perIP int     // sockets open at once from one address
	// hosts the server answers to (ws.Config.Hosts), and the proxies
	// whose X-Forwarded-* headers count: what a deployment behind a
	// name and a proxy sets, not a flood's limit, but the same wiring.
	hosts   []string
	proxies []netip.Prefix
}

// defaults protect a small server: more than a person types, or a family
// behind one address opens.
var defaults = limits{rate: messageRate, perIP: 64}

// newApp opens the store under data and mounts the pages, with dev keys
// kept in data/keys.
func newApp(data string, lim limits) (*App, error) {
	ring, err := keys.LoadOrCreate(filepath.Join(data, "keys"))
	if err != nil {
		return nil, err
	}
	return newAppWith(data, nitro.Config{Keys: ring}, lim)
}

// newAppWith is newApp with a nitro configuration of the caller's (tests
// pass their keys); the upload directory is always data/uploads. Unless
// cfg.Sessions is set, the session values are kept in the history's bbolt
// file (SessionStore) for as long as a token lives (cfg.TokenTTL).
func newAppWith(data string, cfg nitro.Config, lim limits) (*App, error) {
	uploads := filepath.Join(data, "uploads")
	if err := os.MkdirAll(uploads, 0o750); err != nil {
		return nil, fmt.Errorf("chat: %w", err)
	}
	store, err := OpenBolt(filepath.Join(data, "chat.db"))
	if err != nil {
		return nil, err
	}
	var sessions *SessionStore
	if cfg.Sessions == nil {
		sessions, err = OpenSessions(store.boltDB(), SessionOptions{TTL: cfg.TokenTTL, Now: cfg.Now})
		if err != nil {
			store.Close()
			return nil, err
		}
		cfg.Sessions = sessions
	}
	// tcp.Messages last: it gives the line connections' pages their lines.
	cfg.Protocols = []nitro.Protocol{nitro.Heart, nitro.Nitro, ftp.New(ftp.Config{Dir: uploads}), tcp.Messages}
	srv, err := nitro.New(cfg)
	if err != nil {
		store.Close()
		return nil, err
	}
	presence := NewPresence()
	r := chi.NewRouter()
	app := pages.New(srv)
	app.Sockets = ws.New(srv, ws.Config{MaxPerIP: lim.perIP, Hosts: lim.hosts, TrustedProxies: lim.proxies})
	lp := login.New("/room")
	app.Mount(r, "/", lp)
	app.Mount(r, "/login", lp)
	room := &Room{Store: store, Presence: presence, LoginPath: "/login", FilesPath: "/files/", HistoryLen: historyLen,
		Messages: &limit.PerSession{Rate: xrate.Limit(lim.rate), Burst: messageBurst}}
	app.Mount(r, "/room", room)
	r.Handle("/files/*", http.StripPrefix("/files/", Files(uploads)))
	r.Handle(login.AssetsPrefix+"*", login.Assets())
	r.Get("/healthz", health.Live)
	r.Method(http.MethodGet, "/readyz", &health.Ready{Checks: readiness(srv, store)})
	return &App{Server: srv, Store: store, Presence: presence, Handler: r, sessions: sessions,
		room: room, lines: tcp.New(srv, tcp.Config{Path: "/lines"})}, nil
}

// Close closes the sockets, then the session store, whose writes go to
// the store's bbolt file, then the store, which closes that file.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	a.lines.Shutdown(ctx) // what a line client said is answered first
	cancel()
	a.Server.Close()
	if a.sessions != nil {
		a.sessions.Close()
	}
	return a.Store.Close()
}
