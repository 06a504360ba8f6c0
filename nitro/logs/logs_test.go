package logs

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a bytes.Buffer that goroutines may write while a test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTextHandler logs everything without timestamps, so lines compare.
func newTextHandler(w *lockedBuffer, level slog.Level) slog.Handler {
	return slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
}

func TestLoggingLevels(t *testing.T) {
	tests := []struct {
		name      string
		logging   Levels
		component string
		want      []string // levels that get through
	}{
		{"zero level is info", Levels{}, "bus", []string{"INFO", "WARN", "ERROR"}},
		{"base level", Levels{Level: slog.LevelWarn}, "bus", []string{"WARN", "ERROR"}},
		{"component override below handler", Levels{
			Level:      slog.LevelError,
			Components: map[string]slog.Level{"bus": slog.LevelDebug},
		}, "bus", []string{"DEBUG", "INFO", "WARN", "ERROR"}},
		{"other component keeps base", Levels{
			Level:      slog.LevelError,
			Components: map[string]slog.Level{"bus": slog.LevelDebug},
		}, "proc", []string{"ERROR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf lockedBuffer
			tt.logging.Handler = newTextHandler(&buf, slog.LevelError) // handler's own level is not consulted
			log := tt.logging.Component(tt.component)
			for _, lv := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
				log.Log(context.Background(), lv, "m")
			}
			var want strings.Builder
			for _, lv := range tt.want {
				want.WriteString("level=" + lv + " msg=m component=" + tt.component + "\n")
			}
			if got := buf.String(); got != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got, want.String())
			}
		})
	}
}

func TestLoggingWithAttrsAndGroup(t *testing.T) {
	var buf lockedBuffer
	l := Levels{Handler: newTextHandler(&buf, slog.LevelDebug), Level: slog.LevelWarn}
	log := l.Component("ws").With("conn", 7).WithGroup("g")
	log.Info("hidden", "k", 1)
	log.Warn("shown", "k", 2)
	want := "level=WARN msg=shown component=ws conn=7 g.k=2\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLoggingZeroValueUsesDefault(t *testing.T) {
	var buf lockedBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(newTextHandler(&buf, slog.LevelInfo)))
	defer slog.SetDefault(old)
	var l Levels
	l.Component("cache").Info("hi")
	if got, want := buf.String(), "level=INFO msg=hi component=cache\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
