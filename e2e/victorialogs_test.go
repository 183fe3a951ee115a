// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// startVictoriaLogs runs a VictoriaLogs on loopback with a temporary data
// directory. The fixtures are dated 2020-2022, hence the long retention.
func startVictoriaLogs(t *testing.T) string {
	t.Helper()
	addr := freeAddr(t)
	p := startProcess(t, binary(t, "VICTORIA_LOGS_BIN"), nil,
		"-storageDataPath="+t.TempDir(), "-httpListenAddr="+addr, "-retentionPeriod=100y", "-loggerLevel=WARN")
	p.waitHTTP(t, "http://"+addr+"/health")
	return "http://" + addr
}

// startCollectorToVictoriaLogs runs the built Collector shipping every
// record to VictoriaLogs through otlp_http (protobuf).
func startCollectorToVictoriaLogs(t *testing.T, vlogs string) *collector {
	t.Helper()
	config := writeConfig(t, `
exporters:
  otlp_http/victorialogs:
    logs_endpoint: `+vlogs+`/insert/opentelemetry/v1/logs`,
		"exporters: [otlp_http/victorialogs]", "")
	return startCollector(t, config, nil)
}

// queryVictoriaLogs runs a LogsQL query and returns one map per row.
func queryVictoriaLogs(base, query string) ([]map[string]string, error) {
	resp, err := http.PostForm(base+"/select/logsql/query", url.Values{"query": {query}})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("query answered %d: %s", resp.StatusCode, body)
	}
	var rows []map[string]string
	scanner := bufio.NewScanner(resp.Body)
	scanner.Buffer(make([]byte, 1<<20), 16<<20)
	for scanner.Scan() {
		row := map[string]string{}
		if err := json.Unmarshal(scanner.Bytes(), &row); err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, scanner.Err()
}

// TestVictoriaLogsReceivesEveryFieldAndTheTrueTime ships every fixture
// through otlp_http (protobuf) into a real VictoriaLogs and checks each
// stored event against the golden logs: _time in UTC, message, severity,
// event name and every scalar attribute.
func TestVictoriaLogsReceivesEveryFieldAndTheTrueTime(t *testing.T) {
	vlogs := startVictoriaLogs(t)
	col := startCollectorToVictoriaLogs(t, vlogs)

	fixtures, err := filepath.Glob(filepath.Join("..", "testdata", "payloads", "*.json"))
	require.NoError(t, err)
	expected := map[string]expectedEvent{}
	for _, fixture := range fixtures {
		name := strings.TrimSuffix(filepath.Base(fixture), ".json")
		require.Equal(t, http.StatusOK, col.post(t, payload(t, filepath.Base(fixture))), name)
		logs, err := golden.ReadLogs(filepath.Join("..", "testdata", "expected", name+".yaml"))
		require.NoError(t, err)
		records := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
		for i := 0; i < records.Len(); i++ {
			uid, _ := records.At(i).Attributes().Get("log.record.uid")
			expected[uid.Str()] = expectedEvent{fixture: name, record: records.At(i)}
		}
	}

	var rows []map[string]string
	eventually(t, 60*time.Second, func() error {
		if rows, err = queryVictoriaLogs(vlogs, `service.name:=opptima`); err != nil {
			return err
		}
		if len(rows) < len(expected) {
			return fmt.Errorf("%d of %d events stored so far", len(rows), len(expected))
		}
		return nil
	})
	require.Len(t, rows, len(expected), "each event stored exactly once")

	for _, row := range rows {
		want, ok := expected[row["log.record.uid"]]
		require.True(t, ok, "unexpected event %v", row)
		want.check(t, row)
	}

	// The documented window of the fixtures holds exactly the events dated in it.
	inWindow, err := queryVictoriaLogs(vlogs, `_time:[2020-10-05T22:40:54Z, 2020-10-05T22:40:55Z) opptima.event:=bounce`)
	require.NoError(t, err)
	var uids []string
	for _, row := range inWindow {
		uids = append(uids, row["log.record.uid"])
	}
	assert.Contains(t, uids, "6f96f98dbd3c0fd1844e5f0d908328a6", "the documented SMTP bounce, 2020-10-05 17:40:54 Bogotá = 22:40:54 UTC")
}

type expectedEvent struct {
	fixture string
	record  plog.LogRecord
}

func (e expectedEvent) check(t *testing.T, row map[string]string) {
	t.Helper()
	name := e.fixture
	switch ts := e.record.Timestamp(); {
	case ts == e.record.ObservedTimestamp(): // the arrival time stands in for one that could not be read
		stored, err := time.Parse(time.RFC3339Nano, row["_time"])
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), stored, 10*time.Minute, "%s: _time is the arrival", name)
	case ts != 0:
		assert.Equal(t, ts.AsTime().UTC().Format(time.RFC3339Nano), row["_time"], "%s: _time", name)
	}
	assert.Equal(t, e.record.Body().Str(), row["_msg"], "%s: message", name)
	assert.Equal(t, e.record.SeverityText(), row["severity_text"], "%s: severity", name)
	assert.Equal(t, e.record.EventName(), row["event_name"], "%s: event name", name)
	for key, value := range e.record.Attributes().All() {
		switch value.Type() {
		case pcommon.ValueTypeStr, pcommon.ValueTypeInt, pcommon.ValueTypeBool:
			assert.Equal(t, value.AsString(), row[key], "%s: %s", name, key)
		case pcommon.ValueTypeDouble:
			got, err := strconv.ParseFloat(row[key], 64)
			if assert.NoError(t, err, "%s: %s", name, key) {
				assert.InDelta(t, value.Double(), got, 1e-9, "%s: %s", name, key)
			}
		case pcommon.ValueTypeMap:
			// VictoriaLogs flattens nested objects into dotted fields.
			for inner, v := range value.Map().All() {
				assert.Equal(t, v.AsString(), row[key+"."+inner], "%s: %s.%s", name, key, inner)
			}
		default:
			// Empty values are not stored; slices are stored as JSON text.
		}
	}
}
