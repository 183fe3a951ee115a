package opptimareceiver

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
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
