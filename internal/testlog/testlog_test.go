package testlog_test

import (
	"log/slog"
	"testing"

	"github.com/nitrogo/framework/internal/testlog"
)

func TestHandler(t *testing.T) {
	var buf testlog.Buffer
	log := slog.New(testlog.Handler(&buf, slog.LevelInfo))
	log.Debug("hidden")
	log.Info("shown", "k", 1)
	if got, want := buf.String(), "level=INFO msg=shown k=1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
