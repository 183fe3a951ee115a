// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/opptimaotel/opptimareceiver/internal/counters"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// BenchmarkHandler measures one request through our handler alone (no
// network, no confighttp middleware): what the receiver adds per request on
// top of decode + map, with and without the counters of a metrics pipeline.
func BenchmarkHandler(b *testing.B) {
	for _, counting := range []bool{false, true} {
		b.Run(map[bool]string{false: "logs", true: "logs+counters"}[counting], func(b *testing.B) {
			serve := benchHandler(b, counting)
			b.ReportAllocs()
			for b.Loop() {
				serve()
			}
		})
	}
}

// BenchmarkCountingCost serves the same request with and without the
// counters, in alternation so that a noisy machine slows both alike, and
// reports what counting adds per request (ns) and the time ratio.
func BenchmarkCountingCost(b *testing.B) {
	plain, counting := benchHandler(b, false), benchHandler(b, true)
	var plainTime, countingTime time.Duration
	for b.Loop() {
		start := time.Now()
		plain()
		mid := time.Now()
		counting()
		plainTime, countingTime = plainTime+mid.Sub(start), countingTime+time.Since(mid)
	}
	b.ReportMetric(float64(countingTime-plainTime)/float64(b.N), "ns-added/req")
	b.ReportMetric(float64(countingTime)/float64(plainTime), "ratio")
}

// benchHandler returns a function that serves the documented bounce once.
func benchHandler(b *testing.B, counting bool) func() {
	body := fixture(b, "smtp-bounce.json")
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.APIKeys = []configopaque.String{testKey}
	rcv, err := newWebhookReceiver(cfg, receivertest.NewNopSettings(metadata.Type))
	if err != nil {
		b.Fatal(err)
	}
	var counter *counters.Counter
	if counting {
		counter = counters.New(counterLists(cfg))
	}
	handler := newWebhookHandler(cfg, consumertest.NewNop(), counter, rcv.obsreport, rcv.telemetry, rcv.converter, rcv.warnings)
	return func() {
		req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/opptima", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
