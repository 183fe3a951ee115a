// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// TestLocalExampleKeepsEveryField runs examples/local.yaml, posts every
// fixture and compares what the file exporter wrote with the golden logs:
// every field, the UTC event time, severity and body.
func TestLocalExampleKeepsEveryField(t *testing.T) {
	eventsFile := filepath.Join(t.TempDir(), "events.jsonl")
	col := startCollector(t, "local.yaml", map[string]string{
		"EVENTS_FILE": eventsFile, "PROMETHEUS_ENDPOINT": freeAddr(t),
	})

	fixtures, err := filepath.Glob(filepath.Join("..", "testdata", "payloads", "*.json"))
	require.NoError(t, err)
	for _, fixture := range fixtures {
		require.Equal(t, http.StatusOK, col.post(t, payload(t, filepath.Base(fixture))), fixture)
	}

	byUID := map[string]plog.Logs{}
	eventually(t, 30*time.Second, func() error {
		var err error
		if byUID, err = readExportedLogs(eventsFile); err != nil {
			return err
		}
		if len(byUID) < len(fixtures) {
			return fmt.Errorf("%d of %d requests exported so far", len(byUID), len(fixtures))
		}
		return nil
	})

	for _, fixture := range fixtures {
		name := strings.TrimSuffix(filepath.Base(fixture), ".json")
		t.Run(name, func(t *testing.T) {
			expected, err := golden.ReadLogs(filepath.Join("..", "testdata", "expected", name+".yaml"))
			require.NoError(t, err)
			actual, ok := byUID[firstUID(expected)]
			require.True(t, ok, "no exported request holds %s", name)
			alignArrivalTimes(t, expected, actual)
			require.NoError(t, plogtest.CompareLogs(expected, actual,
				plogtest.IgnoreObservedTimestamp(), plogtest.IgnoreScopeLogsVersion()))
		})
	}
}

// readExportedLogs reads the file exporter's OTLP JSON lines, keyed by the
// log.record.uid of each request's first record. A line still being
// written fails to parse; the caller reads again.
func readExportedLogs(path string) (map[string]plog.Logs, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]plog.Logs{}
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		logs, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(scanner.Bytes())
		if err != nil {
			return nil, err
		}
		out[firstUID(logs)] = logs
	}
	return out, nil
}

// alignArrivalTimes: a golden record whose time is its observed time stands
// for "the arrival time" (the event's own could not be read); the actual
// record must then have its own arrival as its time, and the expected one
// takes it.
func alignArrivalTimes(t *testing.T, expected, actual plog.Logs) {
	t.Helper()
	want := expected.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	got := actual.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	require.Equal(t, want.Len(), got.Len())
	for i := 0; i < want.Len(); i++ {
		if w, g := want.At(i), got.At(i); w.Timestamp() == w.ObservedTimestamp() {
			assert.Equal(t, g.ObservedTimestamp(), g.Timestamp(), "record %d has its arrival as its time", i)
			w.SetTimestamp(g.Timestamp())
		}
	}
}

func firstUID(logs plog.Logs) string {
	uid, _ := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get("log.record.uid")
	return uid.Str()
}
