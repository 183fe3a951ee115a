// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/opptimaotel/opptimareceiver/internal/counters"
	"github.com/opptimaotel/opptimareceiver/internal/opptima"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// TestCounterPointsCarryTheSchemaDimensions: a point with a value for every
// counted attribute is emitted with exactly those attributes, so a
// dimension added to the schema and not to metadata.yaml, or the other way
// round, fails; a point with only the required ones (a delivery, with no
// account and no bounce attribute) carries only them.
func TestCounterPointsCarryTheSchemaDimensions(t *testing.T) {
	started := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	r := &webhookReceiver{metrics: metadata.NewMetricsBuilder(metadata.NewDefaultMetricsBuilderConfig(),
		receivertest.NewNopSettings(metadata.Type), metadata.WithStartTime(pcommon.NewTimestampFromTime(started)))}
	every, required := map[string]any{}, map[string]any{}
	for _, d := range opptima.CounterDimensions() {
		value := "configured-value"
		if segments := d.Segments(); len(segments) > 0 {
			value = segments[0]
		}
		every[d.Name] = value
		if d.Required {
			required[d.Name] = opptima.Other
		}
	}
	asSeries := func(values map[string]any) counters.Series {
		s := make(counters.Series, len(opptima.CounterDimensions()))
		for i, d := range opptima.CounterDimensions() {
			s[i], _ = values[d.Name].(string)
		}
		return s
	}
	md := r.countsAsMetrics([]counters.Point{{Series: asSeries(every), Count: 3}, {Series: asSeries(required), Count: 5}}, started.Add(time.Minute))

	rm := md.ResourceMetrics().At(0)
	assert.Equal(t, map[string]any{"service.name": opptima.ServiceName}, rm.Resource().Attributes().AsRaw())
	assert.Equal(t, metadata.ScopeName, rm.ScopeMetrics().At(0).Scope().Name())
	m := rm.ScopeMetrics().At(0).Metrics().At(0)
	assert.Equal(t, "opptima.events", m.Name())
	assert.Equal(t, "{event}", m.Unit())
	require.Equal(t, pmetric.MetricTypeSum, m.Type())
	assert.True(t, m.Sum().IsMonotonic())
	assert.Equal(t, pmetric.AggregationTemporalityCumulative, m.Sum().AggregationTemporality())

	points := m.Sum().DataPoints()
	require.Equal(t, 2, points.Len())
	for i := range points.Len() {
		assert.Equal(t, started, points.At(i).StartTimestamp().AsTime(), "every point starts at the receiver's start")
	}
	assert.Equal(t, every, points.At(0).Attributes().AsRaw())
	assert.Equal(t, int64(3), points.At(0).IntValue())
	assert.Equal(t, required, points.At(1).Attributes().AsRaw())
	assert.Equal(t, int64(5), points.At(1).IntValue())
}

// TestEveryConfiguredListIsGiven: the counter gets every list a counted
// row takes its values from.
func TestEveryConfiguredListIsGiven(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	cfg.Accounts = []AccountConfig{{Name: "tienda"}}
	lists := counterLists(cfg)
	for _, d := range opptima.CounterDimensions() {
		if d.Configured != "" {
			assert.Contains(t, lists, d.Configured, d.Name)
		}
	}
	assert.Equal(t, []string{"tienda"}, lists["accounts"])
	assert.Equal(t, counters.DefaultDomains, lists["metrics.domains"])
}
