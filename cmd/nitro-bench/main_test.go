package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary be the built-in server too: the modes
// start it as os.Executable() serve, as they start the real tool.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		if err := serve(os.Args[2:], os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
