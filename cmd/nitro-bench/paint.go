package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gorilla/websocket"
	"github.com/nitrogo/framework/actions"
	"github.com/nitrogo/framework/elements"
	"github.com/nitrogo/framework/nitro"
	"github.com/nitrogo/framework/nitro/bert"
)

// paintPage is the first-paint benchmark's page: 100 elements, 10 of them
// buttons with postbacks (the page of elements' BenchmarkRender).
type paintPage struct{}

func (paintPage) Title(*nitro.Context) string { return "Items" }

func (paintPage) Main(cx *nitro.Context) templ.Component {
	rows := make([]templ.Component, 0, 10)
	for i := range 10 {
		id := "f" + strconv.Itoa(i)
		rows = append(rows, elements.Panel{Attrs: elements.Attrs{Class: "row", Data: map[string]string{"i": strconv.Itoa(i)}}, Body: []templ.Component{
			elements.Heading{Level: 3, Text: "Item " + strconv.Itoa(i)},
			elements.P{Text: "A description with <markup> & entities that need escaping."},
			elements.Label{For: id, Text: "Name"},
			elements.Textbox{Attrs: elements.Attrs{ID: id}, Name: id, Placeholder: "Your name", Validate: elements.Rule{Required: true, MaxLen: 40}},
			elements.Span{Attrs: elements.Attrs{Class: "hint"}, Text: "At most 40 characters"},
			elements.Image{Src: "/img/" + id + ".png", Alt: "item", Width: 32, Height: 32},
			elements.Br{},
			elements.Link{Href: "/items/" + id, Text: "details"},
			elements.Button{Attrs: elements.Attrs{Class: "primary"}, Text: "Save", Postback: bert.Tuple(bert.Atom("save"), bert.Int(int64(i))), Source: []string{id}},
		}})
	}
	return elements.Panel{Attrs: elements.Attrs{ID: "page"}, Body: rows}
}

func (paintPage) Event(cx *nitro.Context, ev any) {
	if p, ok := ev.(nitro.Postback); ok {
		actions.Alert(cx, "saved "+p.Msg.String())
	}
}

// paint measures first paints with wrk: GETs of the page over HTTP (the
// built-in 100-element page, or -url), each a new visitor. Its clients are
// wrk's connections; the tool's CPU is wrk's.
func paint(args []string, out io.Writer) error {
	o := newOptions("paint", "first paints under wrk: GETs of a page, each a new visitor (needs wrk)", 50, 10*time.Second).withSample()
	messages := o.fs.Int("messages", 200, "with -sample: the messages of the room's history, posted before the run")
	o.fs.IntVar(&o.clients, "c", o.clients, "the same as -clients")
	threads := o.fs.Int("t", 2, "wrk threads")
	if err := o.parse(args); err != nil {
		return err
	}
	if *threads < 1 || *threads > o.clients {
		return fmt.Errorf("-t %d: from 1 to -clients", *threads)
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return errors.New("paint needs wrk: apt-get install -y wrk")
	}
	srv, err := o.start(o.clients)
	if err != nil {
		return err
	}
	defer srv.stop()
	page := "http://" + srv.addr + "/page"
	if o.target != nil {
		page = o.target.String()
	}
	var headers []string
	if o.sample {
		// The sample's room, as its logged-in user sees it: log in, fill the
		// history, and GET the room with the session's cookie.
		b := newBrowser(o.timeout)
		c, err := b.enter(&url.URL{Scheme: "http", Host: srv.addr, Path: "/login"}, "paint", "paint")
		if err != nil {
			return err
		}
		for i := range *messages {
			tag := fmt.Sprintf("message %d of the history", i)
			frame, err := c.say(tag + ", with a few words more, as people write them")
			if err == nil {
				err = c.ws.WriteMessage(websocket.BinaryMessage, frame)
			}
			if err == nil {
				err = c.await([]byte(tag))
			}
			if err != nil {
				c.close()
				return err
			}
		}
		c.close()
		room := &url.URL{Scheme: "http", Host: srv.addr, Path: "/room", RawQuery: "room=paint"}
		if _, err := b.paint(room, c.token); err != nil { // the room, not a redirect to the login page
			return err
		}
		page = room.String()
		headers = []string{"-H", "Cookie: X-Auth-Token=" + c.token}
	}
	run := func(d time.Duration) (wrkResult, time.Duration, error) {
		// wrk's own -timeout bounds each request; the run is bounded by
		// its duration, and killed if it overruns.
		cmd := exec.Command(wrk, "--latency", "-t"+strconv.Itoa(*threads), "-c"+strconv.Itoa(o.clients),
			"-d"+strconv.Itoa(max(1, int(d.Round(time.Second).Seconds())))+"s",
			"--timeout", strconv.Itoa(max(1, int(o.timeout.Seconds())))+"s")
		cmd.Args = append(append(cmd.Args, headers...), page)
		var stdout bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stdout
		if err := cmd.Start(); err != nil {
			return wrkResult{}, 0, err
		}
		timer := time.AfterFunc(d+o.timeout+10*time.Second, func() { cmd.Process.Kill() })
		err := cmd.Wait()
		timer.Stop()
		if err != nil {
			return wrkResult{}, 0, fmt.Errorf("wrk: %v\n%s", err, stdout.Bytes())
		}
		w, err := parseWrk(stdout.Bytes())
		return w, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), err
	}
	if o.warmup >= time.Second {
		if _, _, err := run(o.warmup); err != nil {
			return err
		}
	}
	a := srv.snapshot()
	w, wrkCPU, err := run(o.duration)
	if err != nil {
		return err
	}
	b := srv.snapshot()
	r := newResult(o, srv, "request", "wrk: GET to response")
	if srv.builtin {
		r.Server = "built-in"
	}
	// wrk's figures, and the server's CPU over wrk's run; the tool's CPU
	// is wrk's, not this process's (which slept).
	b.at = a.at.Add(time.Duration(w.seconds * float64(time.Second)))
	r.measured(a, b, w.requests, nil)
	r.P50Micros, r.P90Micros, r.P99Micros, r.MaxMicros = w.p50, w.p90, w.p99, w.max
	r.ToolCPUSeconds = wrkCPU.Seconds()
	r.ToolCPUPerEventMicros = us(wrkCPU) / float64(max(1, w.requests))
	r.ToolCPUCores = wrkCPU.Seconds() / w.seconds
	r.AllocsPerEvent, r.BytesPerEvent, r.GCs = 0, 0, 0
	r.Errors = w.errors
	return r.print(out, o.json)
}

// wrkResult is what wrk --latency printed.
type wrkResult struct {
	requests           int64
	seconds            float64
	p50, p90, p99, max float64 // µs
	errors             int64
}

// parseWrk reads wrk's report:
//
//	  Latency     1.76ms    1.02ms  20.33ms   80.11%
//	Latency Distribution
//	   50%    1.55ms
//	   90%    2.90ms
//	   99%    5.20ms
//	283201 requests in 10.00s, 1.50GB read
//	Socket errors: connect 0, read 0, write 0, timeout 3
//	Non-2xx or 3xx responses: 12
func parseWrk(out []byte) (wrkResult, error) {
	var w wrkResult
	var got int
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 4 && f[0] == "Latency":
			if d, ok := wrkDuration(f[3]); ok {
				w.max = d
			}
		case len(f) == 2 && (f[0] == "50%" || f[0] == "90%" || f[0] == "99%"):
			d, ok := wrkDuration(f[1])
			if !ok {
				continue
			}
			switch f[0] {
			case "50%":
				w.p50 = d
			case "90%":
				w.p90 = d
			case "99%":
				w.p99 = d
			}
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			n, err1 := strconv.ParseInt(f[0], 10, 64)
			s, ok := wrkDuration(strings.TrimSuffix(f[3], ","))
			if err1 == nil && ok {
				w.requests, w.seconds = n, s/1e6
				got++
			}
		case len(f) >= 3 && f[0] == "Socket" && f[1] == "errors:":
			for i := 2; i+1 < len(f); i += 2 {
				n, _ := strconv.ParseInt(strings.TrimSuffix(f[i+1], ","), 10, 64)
				w.errors += n
			}
		case len(f) == 5 && f[0] == "Non-2xx":
			n, _ := strconv.ParseInt(f[4], 10, 64)
			w.errors += n
		}
	}
	if got == 0 || w.seconds == 0 {
		return w, fmt.Errorf("wrk printed no result:\n%s", out)
	}
	return w, nil
}

// wrkDuration reads a duration as wrk prints it (820.00us, 1.55ms, 2.00s,
// 1.00m), in µs.
func wrkDuration(s string) (float64, bool) {
	units := []struct {
		suffix string
		us     float64
	}{{"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"m", 60e6}, {"h", 3600e6}}
	for _, u := range units {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			x, err := strconv.ParseFloat(v, 64)
			return x * u.us, err == nil
		}
	}
	return 0, false
}
