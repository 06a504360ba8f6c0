package login_test

import (
	"fmt"
	"testing"

	"github.com/nitrogo/framework/samples/login"
)

func TestClean(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"  ann  ", "ann"},
		{"a\x00n\tn\u0085", "an n"},
		{"Zoë 🎉", "Zoë 🎉"},
		{"", ""},
		{string(make([]rune, 41)), ""},
		{"0123456789012345678901234567890123456789", "0123456789012345678901234567890123456789"},
		{"01234567890123456789012345678901234567890", ""},
	}
	for _, tt := range tests {
		if got := login.CleanUser(tt.in); got != tt.want {
			t.Errorf("CleanUser(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func ExampleCleanRoom() {
	fmt.Printf("%q\n", login.CleanRoom("  the\tkitchen "))
	// Output: "the kitchen"
}
