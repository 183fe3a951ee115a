// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/opptimaotel/opptimareceiver/internal/counters"
	"github.com/opptimaotel/opptimareceiver/internal/opptima"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// TestCountsEveryAcknowledgedEventUnderLoad is the traffic that broke the
// count connector: 64 connections at once, 100 requests each, single
// events and arrays, many sharing one second, others hours late or out of
// order, and a pipeline that refuses every 7th call so that the sender
// resends. The counters equal what was answered 200, exactly.
func TestCountsEveryAcknowledgedEventUnderLoad(t *testing.T) {
	logs := &flakyLogs{}
	logs.every.Store(7)
	srv := startReceiver(t, pipelines{logs: logs, metrics: true}, func(cfg *Config) { cfg.Metrics.Interval = 20 * time.Millisecond })

	now := time.Now()
	var acknowledged, bounces, resent atomic.Int64
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for i := range 100 {
				n := 1 + rng.IntN(3)
				events := make([]string, n)
				for e := range events {
					var stamp string
					switch rng.IntN(3) {
					case 0:
						stamp = bogotaStamp(now) // the same second as many others
					case 1:
						stamp = bogotaStamp(now.Add(-2 * time.Hour).Add(time.Duration(rng.IntN(3600)) * time.Second))
					default:
						stamp = bogotaStamp(now.Add(-time.Duration(rng.IntN(600)) * time.Second))
					}
					kind := []string{"bounce", "delivered"}[(g+i+e)%2]
					events[e] = eventJSON(kind, "gmail.com", stamp)
				}
				body := []byte("[" + strings.Join(events, ",") + "]")
				for attempt := 0; ; attempt++ {
					status, err := send(t, http.MethodPost, srv.url, body, bearer(testKey)).result()
					if !assert.NoError(t, err) {
						return
					}
					if status == http.StatusOK {
						acknowledged.Add(int64(n))
						for _, e := range events {
							if strings.Contains(e, `"bounce"`) {
								bounces.Add(1)
							}
						}
						break
					}
					assert.Equal(t, http.StatusServiceUnavailable, status)
					resent.Add(1)
				}
			}
		})
	}
	wg.Wait()
	srv.shutdown()

	require.Positive(t, resent.Load(), "some requests were refused and resent")
	assert.Equal(t, logs.records.Load(), acknowledged.Load(), "what was answered 200 is what the pipeline took")
	assert.Equal(t, acknowledged.Load(), lastTotal(t, srv.metrics, nil), "opptima.events is every acknowledged event, once")
	assert.Equal(t, bounces.Load(), lastTotal(t, srv.metrics, map[string]string{"opptima.event": "bounce", "opptima.bounce.category": "invalid_address"}))
	assert.Equal(t, bounces.Load(), lastTotal(t, srv.metrics, map[string]string{"opptima.event": "bounce", "opptima.bounce.reason": "user_unknown"}), "bounces are counted by reason too")
	assert.Greater(t, len(srv.metrics.AllMetrics()), 1, "emitted on the interval while running, and at shutdown")
	t.Logf("%d events acknowledged, %d requests resent after a 503, %d emissions", acknowledged.Load(), resent.Load(), len(srv.metrics.AllMetrics()))
}

func TestRefusedRequestsAreNotCounted(t *testing.T) {
	logs := &flakyLogs{}
	logs.every.Store(2) // every second call is refused
	srv := startReceiver(t, pipelines{logs: logs, metrics: true}, nil)

	bounce := []byte(eventJSON("bounce", "gmail.com", "2020-10-05 17:40:54"))
	status, err := send(t, http.MethodPost, srv.url, bounce, bearer(testKey)).result()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	status, err = send(t, http.MethodPost, srv.url, bounce, bearer(testKey)).result()
	require.NoError(t, err)
	require.Equal(t, http.StatusServiceUnavailable, status, "refused: not counted")
	status, err = send(t, http.MethodPost, srv.url, bounce, bearer(testKey)).result() // Opptima resends it
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, "the resend is counted, once")

	poison := []byte(`{"event":"bounce","subject":"poison"}`)
	status, err = send(t, http.MethodPost, srv.url, poison, bearer(testKey)).result()
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, status, "a permanent error is not counted")
	for _, body := range []string{`{"event":`, `[]`, `{"to":"x@gmail.com"}`} {
		status, err = send(t, http.MethodPost, srv.url, []byte(body), bearer(testKey)).result()
		require.NoError(t, err)
		require.Equal(t, http.StatusBadRequest, status, body)
	}
	req, err := http.NewRequest(http.MethodPost, srv.url, bytes.NewReader(bounce))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer wrong")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	srv.shutdown()
	assert.Equal(t, int64(2), lastTotal(t, srv.metrics, nil))
}

// TestShutdownEmitsTheFinalValues: with an interval that never comes, the
// only emission is the one at shutdown, and it holds every event.
func TestShutdownEmitsTheFinalValues(t *testing.T) {
	srv := startReceiver(t, pipelines{logs: consumertest.NewNop(), metrics: true}, nil)
	for range 5 {
		status, err := send(t, http.MethodPost, srv.url, []byte(eventJSON("delivered", "hotmail.com", "2020-10-05 17:40:54")), bearer(testKey)).result()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
	}
	assert.Empty(t, srv.metrics.AllMetrics(), "nothing emitted before the interval")
	srv.shutdown()
	require.Len(t, srv.metrics.AllMetrics(), 1)
	assert.Equal(t, int64(5), lastTotal(t, srv.metrics, map[string]string{"opptima.event": "delivered", "email.to.domain": "hotmail.com", "opptima.type": "smtp"}))
}

// TestEmissionsAreCumulativeFromTheStart: every point of every emission
// starts at the receiver's start, and totals never go down.
func TestEmissionsAreCumulativeFromTheStart(t *testing.T) {
	srv := startReceiver(t, pipelines{logs: consumertest.NewNop(), metrics: true}, func(cfg *Config) { cfg.Metrics.Interval = 10 * time.Millisecond })
	for i := range 20 {
		status, err := send(t, http.MethodPost, srv.url, []byte(eventJSON("sent", "gmail.com", "2020-10-05 17:40:54")), bearer(testKey)).result()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
		if i%5 == 0 {
			time.Sleep(30 * time.Millisecond)
		}
	}
	srv.shutdown()
	all := srv.metrics.AllMetrics()
	require.Greater(t, len(all), 2)
	var start int64
	previous := int64(0)
	for _, md := range all {
		if md.DataPointCount() == 0 {
			continue
		}
		dp := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().DataPoints().At(0)
		if start == 0 {
			start = int64(dp.StartTimestamp())
		}
		assert.Equal(t, start, int64(dp.StartTimestamp()))
		assert.GreaterOrEqual(t, total(md, nil), previous)
		previous = total(md, nil)
	}
	assert.Equal(t, int64(20), previous)
}

// TestMetricsPipelineAlone: with no logs pipeline, events are counted once
// decoded and answered 200.
func TestMetricsPipelineAlone(t *testing.T) {
	srv := startReceiver(t, pipelines{logs: nil, metrics: true}, nil)
	status, err := send(t, http.MethodPost, srv.url, []byte("["+eventJSON("bounce", "gmail.com", "x")+","+eventJSON("click", "une.net.co", "y")+"]"), bearer(testKey)).result()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	srv.shutdown()
	assert.Equal(t, int64(2), lastTotal(t, srv.metrics, nil))
	assert.Equal(t, int64(1), lastTotal(t, srv.metrics, map[string]string{"opptima.event": "click", "email.to.domain": "une.net.co"}))
}

// TestTheCounterCanBeTurnedOff: with opptima.events disabled the events
// still reach the logs, and no point is emitted.
func TestTheCounterCanBeTurnedOff(t *testing.T) {
	logs := new(consumertest.LogsSink)
	srv := startReceiver(t, pipelines{logs: logs, metrics: true}, func(cfg *Config) { cfg.Metrics.OpptimaEvents.Enabled = false })
	require.Equal(t, http.StatusOK, send(t, http.MethodPost, srv.url, []byte(eventJSON("bounce", "gmail.com", "x")), bearer(testKey)).status)
	srv.shutdown()
	assert.Equal(t, 1, logs.LogRecordCount())
	points := 0
	for _, md := range srv.metrics.AllMetrics() {
		points += md.DataPointCount()
	}
	assert.Zero(t, points)
}

// TestOneServerForBothPipelines: the logs and metrics receivers of one
// config are one instance; the server outlives the first Shutdown and
// stops with the last.
func TestOneServerForBothPipelines(t *testing.T) {
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	cfg.APIKeys = []configopaque.String{testKey}
	set := receivertest.NewNopSettings(metadata.Type)
	logs, err := NewFactory().CreateLogs(context.Background(), set, cfg, consumertest.NewNop())
	require.NoError(t, err)
	sink := new(consumertest.MetricsSink)
	metrics, err := NewFactory().CreateMetrics(context.Background(), set, cfg, sink)
	require.NoError(t, err)
	require.Same(t, logs.(*webhookReceiver), metrics.(*webhookReceiver))

	require.NoError(t, logs.Start(context.Background(), componenttest.NewNopHost()))
	require.NoError(t, metrics.Start(context.Background(), componenttest.NewNopHost()), "the second Start does not bind again")
	url := "http://" + logs.(*webhookReceiver).addr.String() + cfg.Path

	require.NoError(t, logs.Shutdown(context.Background()))
	status, err := send(t, http.MethodPost, url, []byte(eventJSON("bounce", "gmail.com", "x")), bearer(testKey)).result()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, "still serving for the metrics pipeline")
	require.NoError(t, metrics.Shutdown(context.Background()))
	_, err = send(t, http.MethodPost, url, []byte(eventJSON("bounce", "gmail.com", "x")), bearer(testKey)).result()
	assert.Error(t, err, "stopped with the last pipeline")
	assert.Equal(t, int64(1), lastTotal(t, sink, nil))

	again, err := NewFactory().CreateMetrics(context.Background(), set, cfg, sink)
	require.NoError(t, err)
	assert.NotSame(t, metrics.(*webhookReceiver), again.(*webhookReceiver), "a stopped instance is not handed out again")
}

// TestSeriesStayBoundedWhateverIsPosted posts 100,000 events with random
// kinds, groups and recipient domains through the receiver and its
// converter: the series stay within counters.SeriesBound for the
// configuration.
func TestSeriesStayBoundedWhateverIsPosted(t *testing.T) {
	srv := startReceiver(t, pipelines{logs: consumertest.NewNop(), metrics: true}, func(cfg *Config) {
		cfg.Metrics.Domains = []string{"gmail.com", "hotmail.com"}
		cfg.MaxRequestBodySize = 8 << 20
	})
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		events := make([]string, 1000)
		for i := range events {
			events[i] = fmt.Sprintf(`{"type":"t%d","event":"k%d","to":"a@d%d.example"}`, rng.IntN(1e6), rng.IntN(1e6), rng.IntN(1e6))
			if i%3 == 0 {
				events[i] = eventJSON("bounce", fmt.Sprintf("d%d.example", rng.IntN(1e6)), "x")
			}
		}
		status, err := send(t, http.MethodPost, srv.url, []byte("["+strings.Join(events, ",")+"]"), bearer(testKey)).result()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status)
	}
	srv.shutdown()
	md := srv.metrics.AllMetrics()[0]
	assert.Equal(t, int64(100_000), total(md, nil))
	assert.LessOrEqual(t, md.DataPointCount(), counters.SeriesBound(map[string]int{"metrics.domains": 2}))
	assert.Equal(t, int64(100_000), total(md, map[string]string{opptima.AttrToDomain: opptima.Other}))
}
