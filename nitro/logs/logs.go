// Package logs sets the log level of each of Nitro's components, as N2O
// 4.x filtered its log per module. The server's components log through
// nitro.Server.Logger, with the attribute component=<name> ("nitro",
// "ws", "ftp", "proc", "pubsub"); give the server a logger from Levels:
//
//	levels := &logs.Levels{Level: slog.LevelWarn, Components: map[string]slog.Level{"ws": slog.LevelDebug}}
//	srv, err := nitro.New(nitro.Config{Keys: ring, Logger: levels.Logger()})
package logs

import (
	"context"
	"log/slog"
)

// Levels filters records by the level of their component. The zero value
// logs at Info to slog's default handler.
type Levels struct {
	// Handler receives the records. Nil means slog.Default().Handler()
	// as it is when Logger is called.
	Handler slog.Handler
	// Level is the minimum level of components not in Components, and of
	// records of no component. The zero value is slog.LevelInfo.
	Level slog.Level
	// Components sets the minimum level of individual components.
	Components map[string]slog.Level
}

// Logger returns a logger that drops the records below their component's
// level. The component's level alone decides; the handler's own level is
// not consulted, so a component can log below it (Debug for one component
// while the rest stay at Info).
func (l *Levels) Logger() *slog.Logger {
	h := l.Handler
	if h == nil {
		h = slog.Default().Handler()
	}
	return slog.New(&handler{l: l, level: l.Level, h: h})
}

// Component returns the logger of one component: Logger with the
// attribute component=name.
func (l *Levels) Component(name string) *slog.Logger { return l.Logger().With("component", name) }

// handler filters records by level and hands the rest to h; the
// component attribute, when it comes, sets the level.
type handler struct {
	l     *Levels
	level slog.Level
	h     slog.Handler
}

func (h *handler) Enabled(_ context.Context, level slog.Level) bool { return level >= h.level }

func (h *handler) Handle(ctx context.Context, r slog.Record) error { return h.h.Handle(ctx, r) }

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	level := h.level
	for _, a := range attrs {
		if a.Key == "component" {
			level = h.l.Level
			if lv, ok := h.l.Components[a.Value.String()]; ok {
				level = lv
			}
		}
	}
	return &handler{l: h.l, level: level, h: h.h.WithAttrs(attrs)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{l: h.l, level: h.level, h: h.h.WithGroup(name)}
}
