//go:build !unix

package main

import "os/exec"

func setProcessGroup(cmd *exec.Cmd) {}

// Without process groups, terminating is killing the child alone.
func terminate(cmd *exec.Cmd) { cmd.Process.Kill() }
func kill(cmd *exec.Cmd)      { cmd.Process.Kill() }
