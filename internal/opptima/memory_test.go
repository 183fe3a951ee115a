// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The receiver reuses request buffers, so nothing in the logs may point
// into the body: overwriting it after the conversion must change nothing.
func TestLogsDoNotAliasTheBody(t *testing.T) {
	event, err := os.ReadFile(filepath.Join(payloadDir, "smtp-bounce.json"))
	require.NoError(t, err)
	body := []byte("[" + strings.TrimSuffix(strings.Repeat(string(event)+",", 50), ",") + "]")
	pristine := bytes.Clone(body)
	converter := newTestConverter(t, true)

	logs, err := converter.ToLogs(body, observedAt)
	require.NoError(t, err)
	for i := range body {
		body[i] = 'x'
	}

	want, err := converter.ToLogs(pristine, observedAt)
	require.NoError(t, err)
	require.NoError(t, plogtest.CompareLogs(want, logs))
}

// Allocations per event are information, not a budget (CPU per event end
// to end is what users pay; BENCHMARKS.md keeps the figures): most are
// pdata's one wrapper per attribute and one copy per string value. The
// bound only catches a gross regression.
func TestAllocationsPerEvent(t *testing.T) {
	event, err := os.ReadFile(filepath.Join(payloadDir, "smtp-bounce.json"))
	require.NoError(t, err)
	body := []byte("[" + strings.TrimSuffix(strings.Repeat(string(event)+",", 100), ",") + "]")
	converter := newTestConverter(t, false)
	allocs := testing.AllocsPerRun(20, func() {
		_, err := converter.ToLogs(body, observedAt)
		require.NoError(t, err)
	})
	t.Logf("%.1f allocations per documented bounce in a batch", allocs/100)
	assert.LessOrEqual(t, allocs/100, 45.0, "allocations per event")
}

// What a request costs in memory, per byte of body, once converted. pdata
// spends a few hundred bytes on every record and some 40 on every value
// whatever its size, so tiny events amplify the most; the bound keeps a
// fixed attribute capacity (80×) from coming back. Heap sizes after a
// forced GC are deterministic enough for a bound with headroom.
func TestMemoryPerBodyByte(t *testing.T) {
	event, err := os.ReadFile(filepath.Join(payloadDir, "smtp-bounce.json"))
	require.NoError(t, err)
	array := func(one string, size int) []byte {
		return []byte("[" + strings.TrimSuffix(strings.Repeat(one+",", size/(len(one)+1)), ",") + "]")
	}
	converter := newTestConverter(t, false)
	for name, c := range map[string]struct {
		body []byte
		max  float64
	}{
		"bounces":     {array(string(event), 1<<20), 5},
		"tiny events": {array(`{"event":"x"}`, 1<<20), 30},
	} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		logs, err := converter.ToLogs(c.body, observedAt)
		require.NoError(t, err)
		runtime.GC()
		runtime.ReadMemStats(&after)
		ratio := float64(after.HeapAlloc-before.HeapAlloc) / float64(len(c.body))
		t.Logf("%s: %.1f bytes of logs per body byte", name, ratio)
		assert.LessOrEqual(t, ratio, c.max, name)
		runtime.KeepAlive(logs)
	}
}
