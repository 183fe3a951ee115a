// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package kubernetes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// TestMonitoring: the PodMonitor scrapes both metrics ports of the
// StatefulSet's pods; the PrometheusRules are examples/alerts' rule files,
// group for group (both decoded strictly into the Operator's types); the
// Grafana ConfigMap carries the committed dashboard.
func TestMonitoring(t *testing.T) {
	m := load(t)
	c := m.statefulSet.Spec.Template.Spec.Containers[0]

	assert.Equal(t, m.statefulSet.Spec.Selector.MatchLabels, m.podMonitor.Spec.Selector.MatchLabels)
	var scraped []string
	for _, e := range m.podMonitor.Spec.PodMetricsEndpoints {
		require.NotNil(t, e.Port)
		containerPort(t, c, *e.Port)
		scraped = append(scraped, *e.Port)
	}
	assert.ElementsMatch(t, []string{"counters", "telemetry"}, scraped)

	require.Len(t, m.prometheusRules, 2)
	for _, rule := range m.prometheusRules {
		name, ok := strings.CutPrefix(rule.Name, "opptima-")
		require.True(t, ok, rule.Name)
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "alerts", name+".rules.yml"))
		require.NoError(t, err)
		var source monitoringv1.PrometheusRuleSpec
		require.NoError(t, yaml.UnmarshalStrict(data, &source), "%s.rules.yml", name)
		assert.Equal(t, source, rule.Spec, "run `make manifests` after editing examples/alerts/%s.rules.yml", name)
		assert.NotEmpty(t, rule.Spec.Groups)
	}

	require.Len(t, m.dashboardConfigs, 1)
	dashboard, err := os.ReadFile(filepath.Join("..", "dashboard", "opptima-bounces.json"))
	require.NoError(t, err)
	assert.Equal(t, "1", m.dashboardConfigs[0].Labels["grafana_dashboard"], "the label Grafana's sidecar looks for")
	assert.Equal(t, string(dashboard), m.dashboardConfigs[0].Data["opptima-bounces.json"], "run `make manifests`")
}
