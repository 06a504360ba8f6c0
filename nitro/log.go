package nitro

import (
	"context"
	"log/slog"
)

// Logging configures the loggers of Nitro's components, each with its own
// level, as N2O 4.x filtered its log per module. The zero value logs at
// Info to slog's default handler.
//
//	logs := nitro.Logging{Levels: map[string]slog.Level{"bus": slog.LevelDebug}}
//	bus := &nitro.MemoryBus{Logger: logs.Logger("bus")}
type Logging struct {
	// Handler receives the records. Nil means slog.Default().Handler()
	// as it is when Logger is called.
	Handler slog.Handler
	// Level is the minimum level of components not in Levels. The zero
	// value is slog.LevelInfo.
	Level slog.Level
	// Levels sets the minimum level of individual components.
	Levels map[string]slog.Level
}

// Logger returns a logger for component: its records carry the attribute
// component=<name>, and those below the component's level are discarded.
//
// The component's level alone decides; the handler's own level is not
// consulted, so a component can log below it (Debug for one component
// while the rest stay at Info).
func (l *Logging) Logger(component string) *slog.Logger {
	h := l.Handler
	if h == nil {
		h = slog.Default().Handler()
	}
	level := l.Level
	if lv, ok := l.Levels[component]; ok {
		level = lv
	}
	return slog.New(&levelHandler{level: level, h: h}).With("component", component)
}

// levelHandler filters records by level and hands the rest to h.
type levelHandler struct {
	level slog.Level
	h     slog.Handler
}

func (lh *levelHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= lh.level
}

func (lh *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	return lh.h.Handle(ctx, r)
}

func (lh *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelHandler{level: lh.level, h: lh.h.WithAttrs(attrs)}
}

func (lh *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{level: lh.level, h: lh.h.WithGroup(name)}
}
