package main

import (
	"fmt"
	"testing"

	"github.com/nitrogo/framework/nitro"
)

func TestPresence(t *testing.T) {
	p := NewPresence()
	a1, a2, b := &nitro.Context{}, &nitro.Context{}, &nitro.Context{}
	steps := []struct {
		name    string
		do      func() (string, bool)
		want    string
		members string
	}{
		{"ann joins", func() (string, bool) { u, ok := p.Join(a1, "kitchen", "ann"); return fmt.Sprint(u), ok }, "[ann] true", "[ann]"},
		{"ann's second tab", func() (string, bool) { u, ok := p.Join(a2, "kitchen", "ann"); return fmt.Sprint(u), ok }, "[ann] false", "[ann]"},
		{"ann's tab again", func() (string, bool) { u, ok := p.Join(a2, "kitchen", "ann"); return fmt.Sprint(u), ok }, "[ann] false", "[ann]"},
		{"bob joins", func() (string, bool) { u, ok := p.Join(b, "kitchen", "bob"); return fmt.Sprint(u), ok }, "[ann bob] true", "[ann bob]"},
		{"a tab of ann's closes", func() (string, bool) { r, g := p.Leave(a1); return r + "/" + g, g != "" }, "kitchen/ false", "[ann bob]"},
		{"ann's last tab closes", func() (string, bool) { r, g := p.Leave(a2); return r + "/" + g, g != "" }, "kitchen/ann true", "[bob]"},
		{"a closed tab again", func() (string, bool) { r, g := p.Leave(a2); return r + "/" + g, g != "" }, "/ false", "[bob]"},
		{"bob moves to the garden", func() (string, bool) { u, ok := p.Join(b, "garden", "bob"); return fmt.Sprint(u), ok }, "[bob] true", "[]"},
	}
	for _, s := range steps {
		got, ok := s.do()
		if got := fmt.Sprint(got, " ", ok); got != s.want {
			t.Errorf("%s: got %q, want %q", s.name, got, s.want)
		}
		if got := fmt.Sprint(p.Members("kitchen")); got != s.members {
			t.Errorf("%s: the kitchen holds %s, want %s", s.name, got, s.members)
		}
	}
}
