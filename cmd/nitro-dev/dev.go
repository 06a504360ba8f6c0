package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nitrogo/framework/livereload"
)

// devCmd is "nitro-dev [run] [flags] <app dir> [-- app args]": the dev
// server. It returns when interrupted (Ctrl-C, SIGTERM), after stopping
// the app.
//
// The cycle: the watcher sees a change to a .go, .templ or static file
// under -watch; after -debounce of quiet it runs templ generate (for the
// changed .templ files), then go build into a temporary directory. A
// failed build is pushed to the browsers as an overlay and the running app
// keeps serving. A good build replaces the app: SIGTERM to its process
// group (SIGKILL after -stop-timeout), start the new binary with ADDR set,
// wait until it accepts connections, then reload the browsers (or swap
// their stylesheets, if only CSS changed).
func devCmd(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	d := &devServer{stderr: stderr}
	fs.StringVar(&d.addr, "addr", "localhost:8000", "the proxy's `address`: open this in the browser")
	fs.StringVar(&d.appAddr, "app-addr", "", "the `address` the app listens on, passed to it as $ADDR (default: a free port on 127.0.0.1)")
	watch := fs.String("watch", "", "comma-separated `dirs` to watch (default: the app's module root)")
	ignore := fs.String("ignore", "data", "comma-separated `names` of directories not to watch (where the app writes its files)")
	fs.DurationVar(&d.debounce, "debounce", 100*time.Millisecond, "quiet `time` after the last change before rebuilding")
	fs.DurationVar(&d.stopTimeout, "stop-timeout", 3*time.Second, "how long the app has to exit after SIGTERM before SIGKILL")
	fs.StringVar(&d.staticPrefix, "static", "/static/", "URL `prefix` of the app's static/ dir: its .js and .css are served bundled by esbuild, with source maps (empty: off)")
	fs.StringVar(&d.assetsPrefix, "assets", "/assets/", "URL `prefix` of the app's assets (package assets): the files of -assets-src are served there, the .js and .css bundled by esbuild, unminified, with source maps (empty: off)")
	assetsSrc := fs.String("assets-src", "web", "the `dir` of the app's asset sources (nitro-dev build's -src), relative to the app's dir")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nitro-dev [run] [flags] <app package dir> [-- app arguments]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return errors.New("run: want the app's package dir")
	}
	d.appArgs = fs.Args()[1:]
	if len(d.appArgs) > 0 && d.appArgs[0] == "--" {
		d.appArgs = d.appArgs[1:]
	}
	var err error
	if d.appDir, err = filepath.Abs(fs.Arg(0)); err != nil {
		return err
	}
	if d.modRoot, err = moduleRoot(d.appDir); err != nil {
		return err
	}
	d.assetsSrc = *assetsSrc
	if d.assetsSrc != "" && !filepath.IsAbs(d.assetsSrc) {
		d.assetsSrc = filepath.Join(d.appDir, d.assetsSrc)
	}
	d.watchDirs = []string{d.modRoot}
	if *watch != "" {
		d.watchDirs = nil
		for dir := range strings.SplitSeq(*watch, ",") {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return err
			}
			d.watchDirs = append(d.watchDirs, abs)
		}
	}
	if *ignore != "" {
		d.ignore = strings.Split(*ignore, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return d.run(ctx)
}

// moduleRoot is the directory of the go.mod that holds dir.
func moduleRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("run: no go.mod above %s", dir)
		}
		d = parent
	}
}

// freeAddr returns a loopback address with a port free now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// devServer is one run of the dev server.
type devServer struct {
	// Set from the flags.
	addr, appAddr string
	appDir        string
	appArgs       []string
	modRoot       string
	watchDirs     []string
	ignore        []string
	debounce      time.Duration
	stopTimeout   time.Duration
	staticPrefix  string
	assetsPrefix  string
	assetsSrc     string // absolute
	stderr        io.Writer

	// Set by run.
	tmp        string
	log        *log.Logger
	hub        *livereload.Hub
	proxy      *proxy
	builds     int
	templ      *templ
	restarting atomic.Bool // the app is being (re)started
	mu         sync.Mutex  // guards child and childSum
	child      *child
	childSum   string // hash of the running binary
}

func (d *devServer) run(ctx context.Context) error {
	d.log = log.New(d.stderr, "nitro-dev: ", 0)
	var err error
	if d.appAddr == "" {
		if d.appAddr, err = freeAddr(); err != nil {
			return err
		}
	}
	if d.tmp, err = os.MkdirTemp("", "nitro-dev-"); err != nil {
		return err
	}
	defer os.RemoveAll(d.tmp)
	d.templ = &templ{ctx: ctx, dir: filepath.Join(d.tmp, "bin")}
	if hasTempl(d.watchDirs, d.ignore) {
		go d.templ.command()    // ready before the first .templ change
		defer d.templ.command() // an install under way ends before the tmp dir goes
	}
	d.hub = livereload.New()
	d.proxy = newProxy(d)
	l, err := net.Listen("tcp", d.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: d.proxy, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(l)
	defer srv.Close()

	w, err := newWatcher(d.watchDirs, d.ignore)
	if err != nil {
		return err
	}
	defer w.Close()

	d.log.Printf("proxy on http://%s -> app on %s (watching %s)", l.Addr(), d.appAddr, strings.Join(d.watchDirs, ", "))
	d.restarting.Store(true)
	// The generated *_templ.go files are committed, so the first build
	// needs no templ generate; later changes to .templ files run it.
	d.rebuild(changes{initial: true})

	defer d.stopChild()
	var (
		pending changes
		timer   = time.NewTimer(time.Hour)
	)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			d.log.Print("stopping")
			return nil
		case err := <-w.Errors:
			d.log.Printf("watch: %v", err)
		case name := <-w.Events:
			pending.add(name)
			timer.Reset(d.debounce)
		case <-timer.C:
			c := pending
			pending = changes{}
			// Events that came during the build are folded into one more
			// rebuild.
			d.rebuild(c)
			w.drainInto(&pending)
			if !pending.empty() {
				timer.Reset(d.debounce)
			}
		}
	}
}

// rebuild runs one cycle for the changes c.
func (d *devServer) rebuild(c changes) {
	start := time.Now()
	d.proxy.assets.invalidate()
	if len(c.templ) > 0 {
		if out, err := d.templ.generate(d.modRoot, c.templ); err != nil {
			d.buildFailed("templ generate failed", out)
			return
		}
	}
	d.builds++
	bin := filepath.Join(d.tmp, fmt.Sprintf("app-%d", d.builds))
	if out, err := goBuild(d.appDir, bin); err != nil {
		d.buildFailed("go build failed", out)
		return
	}
	sum, err := fileSum(bin)
	if err != nil {
		d.log.Print(err)
		return
	}
	d.mu.Lock()
	same := d.child != nil && d.child.alive() && sum == d.childSum
	d.mu.Unlock()
	built := time.Since(start)
	if same {
		os.Remove(bin)
	} else {
		d.restarting.Store(true)
		d.stopChild()
		ch, err := startChild(bin, d.appArgs, d.appAddr, filepath.Base(d.appDir), d.stderr)
		if err == nil {
			err = ch.waitReady(d.appAddr, 15*time.Second)
		}
		if err != nil {
			d.log.Printf("app: %v", err)
			if ch != nil {
				ch.stop(d.stopTimeout)
			}
			d.hub.ShowError(livereload.BuildError{Title: "the app did not start", Output: err.Error()})
			d.restarting.Store(false)
			return
		}
		d.mu.Lock()
		d.child, d.childSum = ch, sum
		d.mu.Unlock()
		d.restarting.Store(false)
		d.proxy.transport.CloseIdleConnections()
	}
	switch {
	case c.initial:
		d.hub.ClearError()
	case c.cssOnly():
		d.hub.ClearError()
		d.hub.ReloadCSS()
	default:
		d.hub.Reload()
	}
	what := "restarted"
	if same {
		what = "unchanged binary, not restarted"
	}
	d.log.Printf("built in %v, %s, ready in %v (%d tabs)", built.Round(time.Millisecond), what, time.Since(start).Round(time.Millisecond), d.hub.Clients())
}

func (d *devServer) buildFailed(title string, out []byte) {
	be := parseBuildOutput(title, string(out), d.appDir)
	d.log.Printf("%s:\n%s", title, strings.TrimRight(string(out), "\n"))
	d.hub.ShowError(be)
	d.restarting.Store(false) // the first build failed: nothing to wait for
}

// stopChild stops the running app, if any.
func (d *devServer) stopChild() {
	d.mu.Lock()
	ch := d.child
	d.child = nil
	d.mu.Unlock()
	if ch != nil {
		ch.stop(d.stopTimeout)
		os.Remove(ch.bin)
	}
}

// running reports whether an app is running or starting: the proxy waits
// for it then, rather than failing at once.
func (d *devServer) running() bool {
	if d.restarting.Load() {
		return true
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.child != nil && d.child.alive()
}
