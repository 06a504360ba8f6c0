package elements_test

import (
	"context"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/nitrogo/framework/elements"
)

func TestTimeGolden(t *testing.T) {
	at := time.Date(2025, 3, 12, 14, 5, 9, 500e6, time.FixedZone("CET", 3600))
	tests := []struct {
		name string
		c    templ.Component
	}{
		{"time", elements.Time{At: at}},
		{"time_local", elements.Time{Attrs: elements.Attrs{Class: "time"}, At: at, Local: elements.LocalTime}},
		{"time_date", elements.Time{At: at, Local: elements.LocalDate}},
		{"time_auto", elements.Time{At: at, Local: elements.LocalAuto}},
		{"time_layout", elements.Time{At: at, Local: "<x>", Layout: "Mon <b>15h</b>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.name, render(t, tt.c))
		})
	}
}

// TestTimeFormats: the texts a Time writes without a Layout are those
// time.Format writes, over the years a time.Time holds.
func TestTimeFormats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ats := []time.Time{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(-5, 3, 1, 1, 2, 3, 0, time.UTC), time.Date(12345, 6, 7, 8, 9, 10, 0, time.UTC), time.Unix(0, 0)}
	for range 2000 {
		ats = append(ats, time.Unix(r.Int64N(400e9)-200e9, r.Int64N(1e9)).In(time.FixedZone("", 60*(r.IntN(1500)-750))))
	}
	for _, at := range ats {
		u := at.UTC()
		tests := []struct {
			local, text string
		}{
			{elements.LocalDateTime, u.Format("2 Jan 2006 15:04 UTC")},
			{elements.LocalDate, u.Format("2 Jan 2006")},
			{elements.LocalTime, u.Format("15:04 UTC")},
			{elements.LocalAuto, u.Format("2 Jan 2006 15:04 UTC")},
			{"", u.Format("2 Jan 2006 15:04 UTC")},
		}
		for _, tt := range tests {
			e := elements.Time{At: at, Local: tt.local}
			attr := ""
			if tt.local != "" {
				attr = ` data-local="` + tt.local + `"`
			}
			want := `<time datetime="` + u.Format(time.RFC3339) + `"` + attr + `>` + tt.text + `</time>`
			if got := render(t, e); got != want {
				t.Fatalf("%v, %q:\ngot  %s\nwant %s", at, tt.local, got, want)
			}
		}
	}
}

// TestTimeAllocs: a Time costs no more allocations than a Span: its
// times are formatted into the render's buffer.
func TestTimeAllocs(t *testing.T) {
	ctx := context.Background()
	allocs := func(c templ.Component) float64 {
		c.Render(ctx, io.Discard) // warm the pool
		return testing.AllocsPerRun(100, func() { c.Render(ctx, io.Discard) })
	}
	a := elements.Attrs{Class: "time"}
	span := allocs(elements.Span{Attrs: a, Text: "12 Mar 2025 14:05 UTC"})
	if n := allocs(elements.Time{Attrs: a, At: time.UnixMilli(1741788309000), Local: elements.LocalAuto}); n > span {
		t.Errorf("a Time renders with %v allocations, a Span with %v", n, span)
	}
}

func ExampleTime() {
	at := time.Date(2025, 3, 12, 14, 5, 0, 0, time.UTC)
	show(elements.Time{At: at, Local: elements.LocalAuto})
	// Output:
	// <time datetime="2025-03-12T14:05:00Z" data-local="auto">12 Mar 2025 14:05 UTC</time>
}
