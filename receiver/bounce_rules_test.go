// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
)

// TestUsersBounceRulesDecideFirst: through the real server, a reply that a
// user's rule matches gets that rule's reason on the record and on the
// counters, and the record names the rule; other replies keep the built-in
// reading and name its rule.
func TestUsersBounceRulesDecideFirst(t *testing.T) {
	logs := new(consumertest.LogsSink)
	srv := startReceiver(t, pipelines{logs: logs, metrics: true}, func(cfg *Config) {
		cfg.BounceRules = []BounceRuleConfig{{Phrase: "fuera de la oficina", Reason: "filtered"}}
	})
	for _, reply := range []string{"550 5.2.2 Fuera de la oficina: mailbox full", "550 5.2.2 mailbox full"} {
		body := `{"type":"SMTP","event":"bounce","to":"a@gmail.com","timestamp":"2020-10-05 17:40:54","status":"Rebote duro","response":"` + reply + `"}`
		status, err := send(t, http.MethodPost, srv.url, []byte(body), bearer(testKey)).result()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
	}
	srv.shutdown()

	records := logs.AllLogs()
	require.Len(t, records, 2)
	want := []map[string]string{
		{"opptima.bounce.reason": "filtered", "opptima.bounce.category": "mailbox_unavailable", "opptima.bounce.rule": `bounce_rules[0]: phrase "fuera de la oficina"`},
		{"opptima.bounce.reason": "mailbox_full", "opptima.bounce.category": "mailbox_unavailable", "opptima.bounce.rule": `quota: family "mailbox ~ full"`},
	}
	for i, logs := range records {
		attrs := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
		for k, v := range want[i] {
			got, ok := attrs.Get(k)
			require.True(t, ok, k)
			assert.Equal(t, v, got.Str(), k)
		}
	}
	assert.Equal(t, int64(1), lastTotal(t, srv.metrics, map[string]string{"opptima.bounce.reason": "filtered"}), "the counters follow the user's rule")
	assert.Equal(t, int64(1), lastTotal(t, srv.metrics, map[string]string{"opptima.bounce.reason": "mailbox_full"}))
}
