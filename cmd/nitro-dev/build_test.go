package main

import (
	"testing"

	"github.com/nitrogo/framework/livereload"
)

func TestParseBuildOutput(t *testing.T) {
	out := "# example.com/app\n./main.go:12:17: syntax error: unexpected =\nview.templ:3: bad\nnote without a place\n" +
		"(✗) Command failed: failed to generate code for \"x.templ\": x.templ parsing error: spread attributes: illegal token: @: line 20, col 9\n"
	be := parseBuildOutput("go build failed", out, ".")
	want := []livereload.Problem{
		{File: "main.go", Line: 12, Col: 17, Message: "syntax error: unexpected ="},
		{File: "view.templ", Line: 3, Message: "bad"},
		{File: "x.templ", Line: 20, Col: 9, Message: "spread attributes: illegal token: @"},
	}
	if len(be.Problems) != len(want) {
		t.Fatalf("got %d problems %v, want %v", len(be.Problems), be.Problems, want)
	}
	for i := range want {
		if be.Problems[i] != want[i] {
			t.Errorf("problem %d: got %+v, want %+v", i, be.Problems[i], want[i])
		}
	}
	if be.Output != out[:len(out)-1] {
		t.Errorf("output %q, want the whole output", be.Output)
	}
}

func TestRelevant(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"a/main.go", true},
		{"a/view.templ", true},
		{"a/view_templ.go", false},
		{"a/static/app.css", true},
		{"a/data/chat.db", false},
		{"a/.main.go.swp", false},
		{"a/main.go~", false},
	}
	for _, tt := range tests {
		if got := relevant(tt.name); got != tt.want {
			t.Errorf("relevant(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestChanges(t *testing.T) {
	var c changes
	c.add("a.css")
	c.add("a.css")
	if !c.cssOnly() || len(c.files) != 1 {
		t.Errorf("one CSS file twice: %+v", c)
	}
	c.add("v.templ")
	if c.cssOnly() || len(c.templ) != 1 {
		t.Errorf("CSS and templ: %+v", c)
	}
}
