package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nitrogo/framework/livereload"
)

// templVersion is the templ generator run on changed .templ files when no
// templ is on the PATH: the version in go.mod.
const templVersion = "github.com/a-h/templ/cmd/templ@v0.3.960"

// templ finds or installs the templ command once: the one on the PATH, or
// else templVersion installed into a directory of nitro-dev's (go run
// would cost more than half a second a time).
type templ struct {
	ctx  context.Context // bounds the install
	dir  string          // where to install
	once sync.Once
	path string
	err  error
}

func (t *templ) command() (string, error) {
	t.once.Do(func() {
		if p, err := exec.LookPath("templ"); err == nil {
			t.path = p
			return
		}
		cmd := exec.CommandContext(t.ctx, "go", "install", templVersion)
		cmd.Env = append(os.Environ(), "GOBIN="+t.dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.err = fmt.Errorf("installing %s: %v\n%s", templVersion, err, out)
			return
		}
		t.path = filepath.Join(t.dir, "templ")
	})
	return t.path, t.err
}

// generate runs templ generate on each of files, from the module root.
func (t *templ) generate(modRoot string, files []string) ([]byte, error) {
	p, err := t.command()
	if err != nil {
		return []byte(err.Error()), err
	}
	var all bytes.Buffer
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			continue // deleted: templ cleans up on its next full run
		}
		cmd := exec.Command(p, "generate", "-f", f)
		cmd.Dir = modRoot
		out, err := cmd.CombinedOutput()
		all.Write(out)
		if err != nil {
			return all.Bytes(), err
		}
	}
	return all.Bytes(), nil
}

// goBuild builds the main package in dir into bin. Without symbol tables
// and DWARF the link is faster; a debugger is not what nitro-dev is for.
func goBuild(dir, bin string) ([]byte, error) {
	cmd := exec.Command("go", "build", "-ldflags=-s -w", "-o", bin, ".")
	cmd.Dir = dir
	return cmd.CombinedOutput()
}

// fileSum is the SHA-256 of a file, in hex.
func fileSum(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// problemLine matches "file.go:12:3: message" and "file.templ:12: message".
var problemLine = regexp.MustCompile(`^\s*(\S+?\.(?:go|templ)):(\d+)(?::(\d+))?:\s*(.*)$`)

// templProblem matches templ's "file.templ parsing error: message: line 20, col 9".
var templProblem = regexp.MustCompile(`(\S+\.templ) parsing error: (.*): line (\d+), col (\d+)`)

// parseBuildOutput turns a tool's output into a BuildError: the lines
// that name a place become problems, with paths relative to dir made
// relative to where nitro-dev runs; the whole output is kept too.
func parseBuildOutput(title, out, dir string) livereload.BuildError {
	be := livereload.BuildError{Title: title, Output: strings.TrimRight(out, "\n")}
	wd, _ := os.Getwd()
	for line := range strings.SplitSeq(out, "\n") {
		m := problemLine.FindStringSubmatch(line)
		if t := templProblem.FindStringSubmatch(line); t != nil {
			m = []string{t[0], t[1], t[3], t[4], t[2]}
		}
		if m == nil {
			continue
		}
		file := m[1]
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		if wd != "" {
			if rel, err := filepath.Rel(wd, file); err == nil && !strings.HasPrefix(rel, "..") {
				file = rel
			}
		}
		ln, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		be.Problems = append(be.Problems, livereload.Problem{File: file, Line: ln, Col: col, Message: m[4]})
	}
	return be
}
