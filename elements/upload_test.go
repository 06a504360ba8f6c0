package elements_test

import (
	"testing"

	"github.com/nitrogo/framework/elements"
)

// TestUploadWiring: the JavaScript an Upload wires in a page Context,
// with a start button and without: the file input is cleared when its
// upload ends stored, a refusal's reason shows in the status, and a new
// choice clears it.
func TestUploadWiring(t *testing.T) {
	tests := []struct {
		name string
		e    elements.Upload
	}{
		{"upload_wired", elements.Upload{Attrs: elements.Attrs{ID: "up"}}},
		{"upload_wired_autostart", elements.Upload{Attrs: elements.Attrs{ID: "up"}, AutoStart: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cx, _ := mustContext(t)
			renderCx(t, cx, tt.e)
			golden(t, tt.name, string(cx.TakeJS()))
		})
	}
}
