// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
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

// total sums the last emission's points matching every given attribute.
func lastTotal(t *testing.T, sink *consumertest.MetricsSink, match map[string]string) int64 {
	t.Helper()
	all := sink.AllMetrics()
	require.NotEmpty(t, all, "the counters were emitted")
	return total(all[len(all)-1], match)
}

func total(md pmetric.Metrics, match map[string]string) int64 {
	sum := int64(0)
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		ms := rms.At(i).ScopeMetrics().At(0).Metrics()
		for j := 0; j < ms.Len(); j++ {
			dps := ms.At(j).Sum().DataPoints()
		points:
			for k := 0; k < dps.Len(); k++ {
				for name, want := range match {
					if v, ok := dps.At(k).Attributes().Get(name); !ok || v.Str() != want {
						continue points
					}
				}
				sum += dps.At(k).IntValue()
			}
		}
	}
	return sum
}

// answer is what the webhook said, or the error of a request that got no
// answer (a server shut down on purpose).
type answer struct {
	status int
	header http.Header
	body   map[string]any
	err    error
}

func (a answer) result() (int, error) { return a.status, a.err }

// send sends a body to url and reads the answer. It is the one way the
// tests talk to the webhook, and safe on many goroutines: it never stops
// the test, and a transport error comes back in the answer. An answer that
// is not JSON fails the test (every answer of the webhook is).
func send(t testing.TB, method, url string, body []byte, headers map[string]string) answer {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{status: resp.StatusCode, header: resp.Header, err: err}
	}
	a := answer{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(raw, &a.body); err != nil {
		t.Errorf("every answer is JSON: %q", raw)
	}
	return a
}

// flakyLogs refuses every n-th ConsumeLogs call as a full queue would, and
// a permanent error for bodies holding "poison".
type flakyLogs struct {
	calls, every atomic.Int64
	records      atomic.Int64
}

func (f *flakyLogs) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (f *flakyLogs) ConsumeLogs(_ context.Context, logs plog.Logs) error {
	rec := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	if v, ok := rec.Attributes().Get("email.subject"); ok && v.Str() == "poison" {
		return consumererror.NewPermanent(errors.New("poison"))
	}
	if n := f.calls.Add(1); n%f.every.Load() == 0 {
		return errors.New("queue is full")
	}
	f.records.Add(int64(logs.LogRecordCount()))
	return nil
}

// bogotaStamp writes t as Opptima does.
func bogotaStamp(t time.Time) string {
	return t.In(time.FixedZone("COT", -5*3600)).Format(time.DateTime)
}

func eventJSON(kind, domain, stamp string) string {
	return fmt.Sprintf(`{"type":"SMTP","event":%q,"to":"x@%s","timestamp":%q,"status":"Rebote duro","response":"550 5.1.1 user unknown"}`, kind, domain, stamp)
}
