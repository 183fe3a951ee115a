// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the host's zoneinfo

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/pdatatest/plogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/expected from the current output")

const (
	payloadDir  = "../../testdata/payloads"
	expectedDir = "../../testdata/expected"
)

// observedAt stands for the request's arrival time in every golden file.
var observedAt = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func newTestConverter(t testing.TB, raw bool) *Converter {
	loc, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	return NewConverter(Options{Location: loc, RawPayload: raw, ScopeName: "github.com/opptimaotel/opptimareceiver/receiver", ScopeVersion: "test"})
}

// TestGolden converts every payload in testdata/payloads and compares it
// with testdata/expected/<name>.yaml (run with -update to rewrite them).
func TestGolden(t *testing.T) {
	payloads, err := filepath.Glob(filepath.Join(payloadDir, "*.json"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(payloads), 13, "the three documented examples and at least ten shapes of our own")

	converter := newTestConverter(t, false)
	for _, payload := range payloads {
		name := strings.TrimSuffix(filepath.Base(payload), ".json")
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(payload)
			require.NoError(t, err)
			actual, err := converter.ToLogs(body, observedAt)
			require.NoError(t, err)

			expectedFile := filepath.Join(expectedDir, name+".yaml")
			if *update {
				require.NoError(t, golden.WriteLogs(t, expectedFile, actual))
			}
			expected, err := golden.ReadLogs(expectedFile)
			require.NoError(t, err)
			require.NoError(t, plogtest.CompareLogs(expected, actual))

			// plogtest does not compare event names; they are part of our contract.
			expRecords := expected.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
			actRecords := actual.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
			for i := 0; i < expRecords.Len(); i++ {
				assert.Equal(t, expRecords.At(i).EventName(), actRecords.At(i).EventName())
			}
		})
	}
}
