package logs

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/nitrogo/framework/internal/testlog"
)

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
			var buf testlog.Buffer
			tt.logging.Handler = testlog.Handler(&buf, slog.LevelError) // handler's own level is not consulted
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
	var buf testlog.Buffer
	l := Levels{Handler: testlog.Handler(&buf, slog.LevelDebug), Level: slog.LevelWarn}
	log := l.Component("ws").With("conn", 7).WithGroup("g")
	log.Info("hidden", "k", 1)
	log.Warn("shown", "k", 2)
	want := "level=WARN msg=shown component=ws conn=7 g.k=2\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLoggingZeroValueUsesDefault(t *testing.T) {
	var buf testlog.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(testlog.Handler(&buf, slog.LevelInfo)))
	defer slog.SetDefault(old)
	var l Levels
	l.Component("cache").Info("hi")
	if got, want := buf.String(), "level=INFO msg=hi component=cache\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
