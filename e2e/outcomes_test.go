// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryRecipeCountsOutcomesAsOpptimaDefinesThem: an outcome is a
// bounce, an SMTP delivered or an Email-marketing sent, in every place a
// bounce rate is computed: the Prometheus rules (and through their
// recording rules the dashboard), the vmalert and Loki rules, the README's
// Elastic and Datadog recipes. Each place writes it in its own language;
// none writes "bounces and deliveries" (which made every Email-marketing
// campaign read 100 %).
func TestEveryRecipeCountsOutcomesAsOpptimaDefinesThem(t *testing.T) {
	places := []struct {
		file, outcomes string
		atLeast        int
	}{
		{"alerts/bounce-rate.rules.yml", `increase(opptima_events_total{opptima_event="bounce"}[20m])
            or
              increase(opptima_events_total{opptima_event="delivered",opptima_type="smtp"}[20m])
            or
              increase(opptima_events_total{opptima_event="sent",opptima_type="email_marketing"}[20m])`, 1},
		{"alerts/victorialogs-bounce-rate.rules.yml", `(opptima.event:=bounce or (opptima.event:=delivered opptima.type:=SMTP) or (opptima.event:=sent opptima.type:="Email marketing"))`, 2},
		{"alerts/loki-bounce-rate.rules.yml", `opptima_event="bounce" or (opptima_event="delivered" and opptima_type="SMTP") or (opptima_event="sent" and opptima_type="Email marketing")`, 6},
		{"../docs/configuration.md", `(attributes.opptima.event == "bounce"
      OR (attributes.opptima.event == "delivered" AND attributes.opptima.type == "SMTP")
      OR (attributes.opptima.event == "sent" AND attributes.opptima.type == "Email marketing"))`, 1},
		{"../docs/configuration.md", "(@opptima.event:bounce OR (@opptima.event:delivered @opptima.type:SMTP) OR\n(@opptima.event:sent @opptima.type:\"Email marketing\"))", 1},
	}
	for _, p := range places {
		text := read(t, p.file)
		assert.GreaterOrEqual(t, strings.Count(text, p.outcomes), p.atLeast, "%s counts outcomes as Opptima defines them", p.file)
	}

	// The 3-hour window and the baseline use the same three selectors.
	rules := read(t, "alerts/bounce-rate.rules.yml")
	for _, window := range []string{"[3h]", "[6h] offset 15m"} {
		assert.Contains(t, rules, `increase(opptima_events_total{opptima_event="sent",opptima_type="email_marketing"}`+window+`)`)
		assert.Contains(t, rules, `increase(opptima_events_total{opptima_event="delivered",opptima_type="smtp"}`+window+`)`)
	}
	// Every bounce-rate panel of the dashboard reads the recording rules.
	dashboard := read(t, "../deploy/dashboard/opptima-bounces.json")
	for _, ratio := range []string{"opptima:bounce_ratio:20m", "opptima:domain_bounce_ratio:20m", "opptima:account_bounce_ratio:20m", "opptima:category_ratio:20m"} {
		assert.Contains(t, dashboard, ratio)
		assert.Contains(t, rules, "record: "+ratio)
	}

	for _, file := range []string{"alerts/bounce-rate.rules.yml", "alerts/victorialogs-bounce-rate.rules.yml", "alerts/loki-bounce-rate.rules.yml", "../README.md", "../docs/configuration.md", "../docs/alerting.md", "../deploy/dashboard/opptima-bounces.json"} {
		text := read(t, file)
		for _, old := range []string{`bounce|delivered`, `in(bounce, delivered)`, `IN ("bounce", "delivered")`, `(bounce OR delivered)`} {
			assert.NotContains(t, text, old, "%s counts outcomes as bounces and deliveries only", file)
		}
	}
}

func read(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Clean(file))
	require.NoError(t, err)
	return string(data)
}
