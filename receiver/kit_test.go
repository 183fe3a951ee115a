package opptimareceiver

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// testReceiver is the receiver started the way a Collector starts it:
// through the factory, on a free loopback port, with real internal
// telemetry and a log observer at debug level.
type testReceiver struct {
	url       string                    // the webhook
	metrics   *consumertest.MetricsSink // the counters' emissions; nil without a metrics pipeline
	telemetry *componenttest.Telemetry
	logs      *observer.ObservedLogs
	shutdown  func() // stops it (also done when the test ends)
}

// pipelines says which pipelines the receiver is in: logs feeds a logs
// pipeline (nil for none), metrics a metrics pipeline too.
type pipelines struct {
	logs    consumer.Logs
	metrics bool
}

// startReceiver starts the receiver with the test key on a free port; edit
// changes the config (nil for none). The counters emit only at shutdown
// unless edit sets metrics.interval.
func startReceiver(t testing.TB, in pipelines, edit func(*Config)) *testReceiver {
	t.Helper()
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	cfg.APIKeys = []configopaque.String{testKey}
	cfg.Metrics.Interval = time.Hour
	if edit != nil {
		edit(cfg)
	}
	require.NoError(t, cfg.Validate())

	tel := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tel.Shutdown(context.Background())) })
	core, logs := observer.New(zapcore.DebugLevel)
	set := receivertest.NewNopSettings(metadata.Type)
	set.TelemetrySettings = tel.NewTelemetrySettings()
	set.Logger = zap.New(core)
	set.BuildInfo.Version = "1.2.3-test"

	r := &testReceiver{telemetry: tel, logs: logs}
	var parts []component.Component
	var rcv *webhookReceiver
	if in.logs != nil {
		created, err := NewFactory().CreateLogs(context.Background(), set, cfg, in.logs)
		require.NoError(t, err)
		parts, rcv = append(parts, created), created.(*webhookReceiver)
	}
	if in.metrics {
		r.metrics = new(consumertest.MetricsSink)
		created, err := NewFactory().CreateMetrics(context.Background(), set, cfg, r.metrics)
		require.NoError(t, err)
		parts, rcv = append(parts, created), created.(*webhookReceiver)
	}
	require.NotEmpty(t, parts, "the receiver is in at least one pipeline")
	for _, p := range parts {
		require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	}
	var once sync.Once
	r.shutdown = func() {
		once.Do(func() {
			for _, p := range parts {
				require.NoError(t, p.Shutdown(context.Background()))
			}
		})
	}
	t.Cleanup(r.shutdown)
	r.url = "http://" + rcv.addr.String() + cfg.Path
	return r
}
