// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package proctest

import (
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFreeAddrCanBeListenedOn(t *testing.T) {
	addr, err := FreeAddr()
	require.NoError(t, err)
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	require.NoError(t, l.Close())
}

func TestReadingsOfThisProcess(t *testing.T) {
	peak, err := StatusMiB(os.Getpid(), "VmHWM:")
	require.NoError(t, err)
	assert.Positive(t, peak)
	_, err = StatusMiB(os.Getpid(), "NoSuchField:")
	assert.Error(t, err)
	cpu, err := CPUSeconds(os.Getpid())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, cpu, 0.0)
}

// TestStopEndsTheWholeGroup: a child of the started process is in its
// group and ends with it.
func TestStopEndsTheWholeGroup(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 60 & wait")
	Isolate(cmd)
	require.NoError(t, cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	time.Sleep(100 * time.Millisecond) // sh has started its sleep
	Stop(cmd, done, 5*time.Second)
	assert.Eventually(t, func() bool {
		return syscall.Kill(-cmd.Process.Pid, 0) == syscall.ESRCH
	}, 5*time.Second, 20*time.Millisecond, "no process of the group is left")
}

// TestFreeAddrNeverGivesAPortTwice: within a process, each address is new,
// so that two servers of one test never share a port.
func TestFreeAddrNeverGivesAPortTwice(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		addr, err := FreeAddr()
		require.NoError(t, err)
		require.False(t, seen[addr], "%s given twice", addr)
		seen[addr] = true
	}
}
