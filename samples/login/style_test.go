package login_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/nitrogo/framework/samples/login"
)

// TestAssets: the stylesheet and the icon are served under names of
// their content (how is package assets' to test), the stylesheet with a
// dark mode.
func TestAssets(t *testing.T) {
	h := login.Assets()
	tests := []struct {
		path, contentType, body string
	}{
		{login.StylePath, "text/css; charset=utf-8", "prefers-color-scheme:dark"},
		{login.IconPath, "image/svg+xml", "<svg"},
	}
	for _, tt := range tests {
		if !regexp.MustCompile(`^/assets/[a-z]+\.[0-9a-f]{8}\.[a-z]+$`).MatchString(tt.path) {
			t.Errorf("path %q is not named for its content", tt.path)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", tt.path, nil))
		if w.Code != 200 || w.Header().Get("Content-Type") != tt.contentType || !strings.Contains(w.Body.String(), tt.body) {
			t.Errorf("GET %s: %d %q, body %.40q", tt.path, w.Code, w.Header().Get("Content-Type"), w.Body.String())
		}
	}
}

// TestStyle: the pages' head links the files Assets serves.
func TestStyle(t *testing.T) {
	var buf bytes.Buffer
	if err := login.Style.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<link rel="icon" type="image/svg+xml" href="` + login.IconPath + `">`,
		`<link rel="stylesheet" href="` + login.StylePath + `">`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("Style is %s, want %s in it", buf.String(), want)
		}
	}
}
