package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestFilesDisposition(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, path                      string // the file's name, and the request's escaped path
		contentType, contentDisposition string
	}{
		{"cat.png", "cat.png", "image/png", `inline; filename*=UTF-8''cat.png`},
		{"Cat Photo.JPG", "Cat%20Photo.JPG", "image/jpeg", `inline; filename*=UTF-8''Cat%20Photo.JPG`},
		{"notes é.txt", "notes%20%C3%A9.txt", "application/octet-stream", `attachment; filename*=UTF-8''notes%20%C3%A9.txt`},
		{"page.html", "page.html", "application/octet-stream", `attachment; filename*=UTF-8''page.html`},
		{"logo.svg", "logo.svg", "application/octet-stream", `attachment; filename*=UTF-8''logo.svg`},
	}
	for _, tt := range tests {
		if err := os.WriteFile(filepath.Join(dir, tt.name), []byte("<script>alert(1)</script>"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	h := http.StripPrefix("/files/", Files(dir))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/files/"+tt.path, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("got %d, want 200", rec.Code)
			}
			for _, hd := range []struct{ key, want string }{
				{"Content-Type", tt.contentType},
				{"Content-Disposition", tt.contentDisposition},
				{"X-Content-Type-Options", "nosniff"},
			} {
				if got := rec.Header().Get(hd.key); got != hd.want {
					t.Errorf("%s: got %q, want %q", hd.key, got, hd.want)
				}
			}
		})
	}
}
