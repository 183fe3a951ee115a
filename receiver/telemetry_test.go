// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

func sumOf(t *testing.T, tel *componenttest.Telemetry, name string) int64 {
	t.Helper()
	m, err := tel.GetMetric(name)
	require.NoError(t, err)
	var total int64
	for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
		total += dp.Value
	}
	return total
}

func TestObsReportCountsAcceptedAndRefused(t *testing.T) {
	t.Run("accepted", func(t *testing.T) {
		sink := new(consumertest.LogsSink)
		recv := startReceiver(t, pipelines{logs: sink}, nil)
		url, tel := recv.url, recv.telemetry
		require.Equal(t, http.StatusOK, send(t, http.MethodPost, url, fixture(t, "array-of-events.json"), bearer(testKey)).status)
		assert.Equal(t, int64(3), sumOf(t, tel, "otelcol_receiver_accepted_log_records"))

		scope := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).Scope()
		assert.Equal(t, metadata.ScopeName, scope.Name())
		assert.Equal(t, "1.2.3-test", scope.Version(), "scope version is the build's version")
		serviceName, _ := sink.AllLogs()[0].ResourceLogs().At(0).Resource().Attributes().Get("service.name")
		assert.Equal(t, "opptima", serviceName.Str())
	})
	t.Run("refused by the pipeline", func(t *testing.T) {
		recv := startReceiver(t, pipelines{logs: consumertest.NewErr(errors.New("memory limit exceeded"))}, nil)
		url, tel := recv.url, recv.telemetry
		require.Equal(t, http.StatusServiceUnavailable, send(t, http.MethodPost, url, fixture(t, "array-of-events.json"), bearer(testKey)).status)
		_, err := tel.GetMetric("otelcol_receiver_accepted_log_records")
		if err == nil {
			assert.Zero(t, sumOf(t, tel, "otelcol_receiver_accepted_log_records"))
		}
		assert.Equal(t, int64(3), sumOf(t, tel, "otelcol_receiver_failed_log_records")+sumOf(t, tel, "otelcol_receiver_refused_log_records"))
		assert.Equal(t, int64(1), sumOf(t, tel, "otelcol_receiver_opptima_requests_retry_later"), "every 503 is counted")
	})
	t.Run("refused by the admission bound", func(t *testing.T) {
		logs := &gatedLogs{gate: make(chan struct{}), entered: make(chan struct{}, 1)}
		body := bodyOfSize(20 << 10)
		recv := startReceiver(t, pipelines{logs: logs}, func(cfg *Config) {
			cfg.MaxRequestBodySize = 32 << 10
			cfg.MaxInFlightBytes = 32 << 10
		})
		url, tel := recv.url, recv.telemetry
		done := make(chan int)
		go func() { status, _ := send(t, http.MethodPost, url, body, bearer(testKey)).result(); done <- status }()
		<-logs.entered
		require.Equal(t, http.StatusServiceUnavailable, send(t, http.MethodPost, url, body, bearer(testKey)).status)
		close(logs.gate)
		require.Equal(t, http.StatusOK, <-done)
		assert.Equal(t, int64(1), sumOf(t, tel, "otelcol_receiver_opptima_requests_retry_later"), "every 503 is counted")
	})
}

func TestKeysNeverReachLogs(t *testing.T) {
	recv := startReceiver(t, pipelines{logs: new(consumertest.LogsSink)}, nil)
	url, logs := recv.url, recv.logs
	send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer(testKey))
	send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer("wrong-"+testKey))
	send(t, http.MethodPost, url, []byte("{bad json"), bearer(testKey))

	require.NotZero(t, logs.Len(), "the receiver logs at start, so the observer is wired")
	for _, entry := range logs.All() {
		line := fmt.Sprint(entry.Message, entry.ContextMap())
		assert.NotContains(t, line, testKey)
	}
}

// TestEveryRefusalIsCounted sends each kind of refused webhook through the
// real server: otelcol_receiver_opptima_requests_refused counts each by
// its status and a reason from metadata.yaml's closed set, and carries no
// key, right or wrong.
func TestEveryRefusalIsCounted(t *testing.T) {
	const wrongKey = "wrong-key-90a7f3e2"
	key := bearer(testKey)
	form := map[string]string{"Authorization": "Bearer " + testKey, "Content-Type": "application/x-www-form-urlencoded"}
	cases := []struct {
		name         string
		consumer     consumer.Logs
		method, path string
		headers      map[string]string
		body         string
		status       int
		reason       metadata.AttributeReason
	}{
		{"no key", nil, "POST", "", nil, goodEvent, 401, metadata.AttributeReasonUnauthorizedNoKey},
		{"empty Bearer", nil, "POST", "", map[string]string{"Authorization": "Bearer "}, goodEvent, 401, metadata.AttributeReasonUnauthorizedNoKey},
		{"basic auth", nil, "POST", "", map[string]string{"Authorization": "Basic " + wrongKey}, goodEvent, 401, metadata.AttributeReasonUnauthorizedNotBearer},
		{"rotated key", nil, "POST", "", bearer(wrongKey), goodEvent, 401, metadata.AttributeReasonUnauthorizedUnknownKey},
		{"GET", nil, "GET", "", key, "", 405, metadata.AttributeReasonMethodNotAllowed},
		{"another path", nil, "POST", "/other", key, goodEvent, 404, metadata.AttributeReasonNotFound},
		{"form", nil, "POST", "", form, "type=SMTP", 415, metadata.AttributeReasonUnsupportedMediaType},
		{"too large", nil, "POST", "", key, strings.Repeat(" ", 2<<20), 413, metadata.AttributeReasonTooLarge},
		{"not JSON", nil, "POST", "", key, "nonsense", 400, metadata.AttributeReasonBadBody},
		{"a permanent pipeline error", consumertest.NewErr(consumererror.NewPermanent(errors.New("schema"))), "POST", "", key, goodEvent, 400, metadata.AttributeReasonRejectedByPipeline},
		{"a full queue", consumertest.NewErr(errors.New("sending queue is full")), "POST", "", key, goodEvent, 503, metadata.AttributeReasonRetryLater},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next := c.consumer
			if next == nil {
				next = consumertest.NewNop()
			}
			recv := startReceiver(t, pipelines{logs: next}, nil)
			require.Equal(t, c.status, send(t, c.method, recv.url+c.path, []byte(c.body), c.headers).status)

			m, err := recv.telemetry.GetMetric("otelcol_receiver_opptima_requests_refused")
			require.NoError(t, err)
			var points []metricdata.DataPoint[int64] // the counted ones; the rest stand at 0
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				if p.Value != 0 {
					points = append(points, p)
				}
			}
			require.Len(t, points, 1)
			assert.Equal(t, int64(1), points[0].Value)
			status, _ := points[0].Attributes.Value("status")
			reason, _ := points[0].Attributes.Value("reason")
			assert.Equal(t, int64(c.status), status.AsInt64())
			assert.Equal(t, c.reason.String(), reason.AsString())
			assert.Equal(t, 2, points[0].Attributes.Len(), "status and reason, nothing the request said")
			assert.NotContains(t, points[0].Attributes.Encoded(attribute.DefaultEncoder()), "key-")
		})
	}
}

// TestAlertedCountersStartAtZero: before any request, the counters the
// alerts read are served at 0 (the 503s; refusals as unauthorized), so that
// Prometheus' increase() sees the first burst.
func TestAlertedCountersStartAtZero(t *testing.T) {
	recv := startReceiver(t, pipelines{logs: consumertest.NewNop()}, nil)
	m, err := recv.telemetry.GetMetric("otelcol_receiver_opptima_requests_retry_later")
	require.NoError(t, err, "served before the first 503")
	require.Len(t, m.Data.(metricdata.Sum[int64]).DataPoints, 1)
	assert.Zero(t, m.Data.(metricdata.Sum[int64]).DataPoints[0].Value)

	m, err = recv.telemetry.GetMetric("otelcol_receiver_opptima_requests_refused")
	require.NoError(t, err, "served before the first refusal")
	var reasons []string
	for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
		assert.Zero(t, p.Value)
		reason, _ := p.Attributes.Value("reason")
		reasons = append(reasons, reason.AsString())
	}
	assert.ElementsMatch(t, []string{"unauthorized_no_key", "unauthorized_not_bearer", "unauthorized_unknown_key", "retry_later"}, reasons)
}
