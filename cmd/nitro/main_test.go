package main

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		args       []string
		err        error  // errors.Is; nil for success
		out, inErr string // in stdout, in stderr
	}{
		{args: nil, err: errUsage, inErr: "usage: nitro <command>"},
		{args: []string{"help"}, out: "new [flags] MODULE [DIR]"},
		{args: []string{"-h"}, out: "help [command]"},
		{args: []string{"help", "new"}, out: "-replace dir"},
		{args: []string{"help", "nope"}, err: errUsage, inErr: "usage: nitro"},
		{args: []string{"nope"}, err: errUsage, inErr: "usage: nitro"},
		{args: []string{"new"}, err: errUsage, inErr: "usage: nitro new"},
		{args: []string{"new", "a", "b", "c"}, err: errUsage, inErr: "usage: nitro new"},
		{args: []string{"new", "-nope", "a"}, err: errors.New("flag provided but not defined"), inErr: "usage: nitro new"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tt.args, &stdout, &stderr)
			switch {
			case tt.err == nil && err != nil:
				t.Errorf("run: %v", err)
			case tt.err != nil && (err == nil || !errors.Is(err, tt.err) && !strings.Contains(err.Error(), tt.err.Error())):
				t.Errorf("run: %v, want %v", err, tt.err)
			}
			if !strings.Contains(stdout.String(), tt.out) {
				t.Errorf("stdout has no %q:\n%s", tt.out, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.inErr) {
				t.Errorf("stderr has no %q:\n%s", tt.inErr, stderr.String())
			}
		})
	}
}

// TestNewCommand runs nitro new as a user would, its flags before or
// after the module, without go mod tidy.
func TestNewCommand(t *testing.T) {
	checkout := mustCheckout(t)
	for _, args := range [][]string{
		{"new", "-tidy=false", "-replace", checkout, "example.com/hello", "DIR"},
		{"new", "example.com/hello", "DIR", "-tidy=false", "-replace", checkout},
	} {
		dir := filepath.Join(t.TempDir(), "app")
		for i, a := range args {
			if a == "DIR" {
				args[i] = dir
			}
		}
		var stdout, stderr bytes.Buffer
		if err := run(args, &stdout, &stderr); err != nil {
			t.Fatalf("nitro %q: %v\n%s", args, err, stderr.String())
		}
		for _, want := range []string{"created " + dir + ", module example.com/hello", "replaces Nitro with ../", "cd " + dir, "go mod tidy", "go run .", "go test ./...", "go tool nitro-dev ."} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("nitro %q says:\n%s\nwant %q in it", args, stdout.String(), want)
			}
		}
		if gomod := mustRead(t, filepath.Join(dir, "go.mod")); !strings.Contains(gomod, "module example.com/hello\n") {
			t.Errorf("go.mod:\n%s", gomod)
		}
	}
}
