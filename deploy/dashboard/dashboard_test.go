// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package dashboard

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

const jsonFile = "opptima-bounces.json"

var update = flag.Bool("update", false, "write "+jsonFile+" from the code (make manifests)")

// TestCommittedJSONIsTheCode: the committed dashboard is what the code
// builds. `make manifests` rewrites it.
func TestCommittedJSONIsTheCode(t *testing.T) {
	built, err := JSON()
	require.NoError(t, err)
	if *update {
		require.NoError(t, os.WriteFile(jsonFile, built, 0o644))
	}
	committed, err := os.ReadFile(jsonFile)
	require.NoError(t, err)
	assert.Equal(t, string(committed), string(built), "run `make manifests` after editing dashboard.go")
}

// TestThresholdsAreTheAlerts: every line drawn on a panel is the threshold
// its alert tests against, so the dashboard shows where the pages start.
func TestThresholdsAreTheAlerts(t *testing.T) {
	exprs := alertExpressions(t)
	var drawn int
	for _, row := range Rows {
		for _, p := range row.Panels {
			for _, th := range p.Thresholds {
				expr, ok := exprs[th.Alert]
				require.True(t, ok, "panel %q names alert %s, which the rules do not have", p.Title, th.Alert)
				assert.Regexp(t, `(^|[^0-9.])`+regexp.QuoteMeta(strconv.FormatFloat(th.Value, 'f', -1, 64))+`([^0-9]|$)`, expr,
					"panel %q draws %v for %s", p.Title, th.Value, th.Alert)
				drawn++
			}
		}
	}
	assert.GreaterOrEqual(t, drawn, 6)
}

// alertExpressions reads every alert's expression from examples/alerts,
// followed by the expressions of the recording rules it reads (the spike
// alerts' floor is in one).
func alertExpressions(t *testing.T) map[string]string {
	t.Helper()
	alerts, records := map[string]string{}, map[string]string{}
	for _, file := range []string{"bounce-rate.rules.yml", "collector.rules.yml"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "alerts", file))
		require.NoError(t, err)
		var rules struct {
			Groups []struct {
				Rules []struct {
					Alert  string `json:"alert"`
					Record string `json:"record"`
					Expr   string `json:"expr"`
				} `json:"rules"`
			} `json:"groups"`
		}
		require.NoError(t, yaml.Unmarshal(data, &rules))
		for _, g := range rules.Groups {
			for _, r := range g.Rules {
				expr := strings.Join(strings.Fields(r.Expr), " ")
				if r.Alert != "" {
					alerts[r.Alert] = expr
				} else {
					records[r.Record] = expr
				}
			}
		}
	}
	for name, expr := range alerts {
		for record, recorded := range records {
			if strings.Contains(expr, record) {
				alerts[name] += " ; " + recorded
			}
		}
	}
	return alerts
}
