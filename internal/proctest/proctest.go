// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package proctest holds what the end-to-end tests (examples/) and the load
// benchmark (bench/) both need of the servers they start: free loopback
// ports, processes that die with their parent, and readings of /proc.
package proctest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// FreeAddr returns a loopback address with a port nobody listens on, and
// never the same port twice in a process: the kernel may hand a port that
// was just closed to the next caller, and two servers of one test given
// the same port fail at start ("address already in use").
func FreeAddr() (string, error) {
	given.Lock()
	defer given.Unlock()
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		addr := l.Addr().String()
		l.Close()
		if !given.addrs[addr] {
			given.addrs[addr] = true
			return addr, nil
		}
	}
	return "", errors.New("no loopback port that was not given out before")
}

// given holds the addresses FreeAddr has returned.
var given = struct {
	sync.Mutex
	addrs map[string]bool
}{addrs: map[string]bool{}}

// Isolate makes cmd start in a process group of its own that the kernel
// kills if this process dies first (Pdeathsig), so that no server outlives
// a crashed or timed-out test or benchmark. Stop stops the group.
func Isolate(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid, cmd.SysProcAttr.Pdeathsig = true, syscall.SIGKILL
}

// Stop sends SIGTERM to the group of an isolated, started cmd, and SIGKILL
// when done has not closed after grace.
func Stop(cmd *exec.Cmd, done <-chan struct{}, grace time.Duration) {
	group := -cmd.Process.Pid
	_ = syscall.Kill(group, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = syscall.Kill(group, syscall.SIGKILL)
		<-done
	}
}

// StatusMiB reads a memory field of /proc/<pid>/status ("VmHWM:" for the
// peak RSS, "VmRSS:" for the current one) in MiB.
func StatusMiB(pid int, field string) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kb); err != nil {
				return 0, fmt.Errorf("%s in /proc/%d/status: %w", field, pid, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}

// CPUSeconds is the user and system CPU time of pid, from /proc.
func CPUSeconds(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
	utime, err := strconv.ParseFloat(fields[11], 64)
	if err != nil {
		return 0, err
	}
	stime, err := strconv.ParseFloat(fields[12], 64)
	if err != nil {
		return 0, err
	}
	return (utime + stime) / 100, nil // USER_HZ
}
