package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fsnotify/fsnotify"
)

// Kinds of file the watcher reacts to, by extension. Anything else (a
// database, an upload, an editor's swap file) is ignored, so an app that
// writes files under the watched tree does not rebuild itself in a loop.
var (
	codeExts   = []string{".go", ".templ", ".mod", ".sum"}
	staticExts = []string{".css", ".js", ".mjs", ".ts", ".html", ".tmpl", ".svg", ".json", ".txt", ".md"}
)

// skipDir reports whether the watcher leaves a directory out: hidden
// ones, testdata, node_modules and vendor (and those named by -ignore).
func skipDir(name string) bool {
	return name != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
		name == "testdata" || name == "node_modules" || name == "vendor")
}

// relevant reports whether a change to the file name should rebuild.
func relevant(name string) bool {
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, "_templ.go") {
		return false // hidden, backups, and templ's own output
	}
	ext := filepath.Ext(base)
	return slices.Contains(codeExts, ext) || slices.Contains(staticExts, ext)
}

// changes are the files changed since the last rebuild.
type changes struct {
	files   []string
	templ   []string // .templ files to generate
	css     int      // how many of files are .css
	initial bool     // the first build
}

func (c *changes) add(name string) {
	if slices.Contains(c.files, name) {
		return
	}
	c.files = append(c.files, name)
	switch filepath.Ext(name) {
	case ".templ":
		c.templ = append(c.templ, name)
	case ".css":
		c.css++
	}
}

func (c changes) empty() bool   { return len(c.files) == 0 }
func (c changes) cssOnly() bool { return c.css > 0 && c.css == len(c.files) }

// watcher reports relevant changes under some directory trees, watching
// new subdirectories as they appear.
type watcher struct {
	*fsnotify.Watcher
	Events chan string
	ignore []string // names of directories not to watch
}

func newWatcher(dirs, ignore []string) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{Watcher: fw, Events: make(chan string, 256), ignore: ignore}
	for _, d := range dirs {
		if err := w.addTree(d); err != nil {
			fw.Close()
			return nil, err
		}
	}
	go w.loop()
	return w, nil
}

// addTree watches dir and the directories under it.
func (w *watcher) addTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return nil
		}
		if path != dir && w.skipDir(e.Name()) {
			return filepath.SkipDir
		}
		return w.Add(path)
	})
}

func (w *watcher) loop() {
	defer close(w.Events)
	for ev := range w.Watcher.Events {
		if ev.Has(fsnotify.Create) {
			if fi, err := statDir(ev.Name); err == nil && fi {
				if !w.skipDir(filepath.Base(ev.Name)) {
					w.addTree(ev.Name)
				}
				continue
			}
		}
		if ev.Op == fsnotify.Chmod || !relevant(ev.Name) {
			continue
		}
		w.Events <- ev.Name
	}
}

func (w *watcher) skipDir(name string) bool {
	return skipDir(name) || slices.Contains(w.ignore, name)
}

// drainInto moves the changes already queued into c.
func (w *watcher) drainInto(c *changes) {
	for {
		select {
		case name := <-w.Events:
			c.add(name)
		default:
			return
		}
	}
}

func statDir(name string) (bool, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return false, err
	}
	return fi.IsDir(), nil
}

// hasTempl reports whether there is a .templ file under dirs.
func hasTempl(dirs, ignore []string) bool {
	found := errors.New("found")
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(path string, e fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return nil
			case e.IsDir() && path != d && (skipDir(e.Name()) || slices.Contains(ignore, e.Name())):
				return filepath.SkipDir
			case filepath.Ext(path) == ".templ":
				return found
			}
			return nil
		})
		if err == found {
			return true
		}
	}
	return false
}
