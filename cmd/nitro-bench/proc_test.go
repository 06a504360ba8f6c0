package main

import (
	"os"
	"testing"
)

func TestProcSelf(t *testing.T) {
	pid := os.Getpid()
	if _, err := procCPU(pid); err != nil {
		t.Errorf("procCPU: %v", err)
	}
	if rss, err := procRSS(pid); err != nil || rss <= 0 {
		t.Errorf("procRSS = %d, %v", rss, err)
	}
	if n, err := procFiles(pid); err != nil || n < 3 {
		t.Errorf("procFiles = %d, %v", n, err)
	}
	if n, err := procFileLimit(pid); err != nil || n <= 0 {
		t.Errorf("procFileLimit = %d, %v", n, err)
	}
	if _, err := procCPU(-1); err == nil {
		t.Error("procCPU(-1): no error")
	}
}
