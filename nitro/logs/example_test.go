package logs_test

import (
	"log/slog"
	"os"

	"github.com/nitrogo/framework/nitro/logs"
)

func ExampleLevels() {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	levels := &logs.Levels{
		Handler:    slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}),
		Level:      slog.LevelWarn,
		Components: map[string]slog.Level{"bus": slog.LevelDebug},
	}
	levels.Component("bus").Debug("subscribed", "topic", "lobby")
	levels.Component("proc").Info("started") // below Warn: dropped
	// Output:
	// level=DEBUG msg=subscribed component=bus topic=lobby
}
