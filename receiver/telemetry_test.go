package opptimareceiver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// startObservedServer is startServer with real internal telemetry and a log
// observer at debug level, so tests can read what the receiver reports.
func startObservedServer(t *testing.T, next consumer.Logs, edits ...func(*Config)) (string, *componenttest.Telemetry, *observer.ObservedLogs) {
	t.Helper()
	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	core, logs := observer.New(zapcore.DebugLevel)

	set := receivertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	set.Logger = zap.New(core)
	set.BuildInfo.Version = "1.2.3-test"

	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	cfg.APIKeys = []configopaque.String{testKey}
	for _, edit := range edits {
		edit(cfg)
	}
	rcv, err := NewFactory().CreateLogs(context.Background(), set, cfg, next)
	require.NoError(t, err)
	require.NoError(t, rcv.Start(context.Background(), componenttest.NewNopHost()))
	t.Cleanup(func() { require.NoError(t, rcv.Shutdown(context.Background())) })
	return "http://" + rcv.(*webhookReceiver).addr.String() + cfg.Path, tel, logs
}

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
		url, tel, _ := startObservedServer(t, sink)
		require.Equal(t, http.StatusOK, send(t, http.MethodPost, url, fixture(t, "array-of-events.json"), bearer(testKey)).status)
		assert.Equal(t, int64(3), sumOf(t, tel, "otelcol_receiver_accepted_log_records"))

		scope := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).Scope()
		assert.Equal(t, metadata.ScopeName, scope.Name())
		assert.Equal(t, "1.2.3-test", scope.Version(), "scope version is the build's version")
		serviceName, _ := sink.AllLogs()[0].ResourceLogs().At(0).Resource().Attributes().Get("service.name")
		assert.Equal(t, "opptima", serviceName.Str())
	})
	t.Run("refused by the pipeline", func(t *testing.T) {
		url, tel, _ := startObservedServer(t, consumertest.NewErr(errors.New("memory limit exceeded")))
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
		url, tel, _ := startObservedServer(t, logs, func(cfg *Config) {
			cfg.MaxRequestBodySize = 32 << 10
			cfg.MaxInFlightBytes = 32 << 10
		})
		done := make(chan int)
		go func() { status, _ := post(url, body); done <- status }()
		<-logs.entered
		require.Equal(t, http.StatusServiceUnavailable, send(t, http.MethodPost, url, body, bearer(testKey)).status)
		close(logs.gate)
		require.Equal(t, http.StatusOK, <-done)
		assert.Equal(t, int64(1), sumOf(t, tel, "otelcol_receiver_opptima_requests_retry_later"), "every 503 is counted")
	})
}

func TestKeysNeverReachLogs(t *testing.T) {
	url, _, logs := startObservedServer(t, new(consumertest.LogsSink))
	send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer(testKey))
	send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer("wrong-"+testKey))
	send(t, http.MethodPost, url, []byte("{bad json"), bearer(testKey))

	require.NotZero(t, logs.Len(), "the receiver logs at start, so the observer is wired")
	for _, entry := range logs.All() {
		line := fmt.Sprint(entry.Message, entry.ContextMap())
		assert.NotContains(t, line, testKey)
	}
}
