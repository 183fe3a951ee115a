// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// webhookGenerator POSTs one event per call over HTTP, each with a unique
// test_id, and resends on 503 as Opptima does.
type webhookGenerator struct {
	t      *testing.T
	url    string
	client *http.Client
	next   atomic.Int64
}

func (g *webhookGenerator) Start() {}
func (g *webhookGenerator) Stop()  {}

func (g *webhookGenerator) Generate() []receivertest.UniqueIDAttrVal {
	id := receivertest.UniqueIDAttrVal(fmt.Sprintf("event-%d", g.next.Add(1)))
	body := fmt.Appendf(nil, `{"type":"SMTP","event":"bounce","to":"a@b.co","test_id":%q}`, id)
	for {
		req, err := http.NewRequest(http.MethodPost, g.url, bytes.NewReader(body))
		require.NoError(g.t, err)
		req.Header.Set("Authorization", "Bearer "+testKey)
		resp, err := g.client.Do(req)
		require.NoError(g.t, err)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK, http.StatusBadRequest: // taken, or refused for good
			return []receivertest.UniqueIDAttrVal{id}
		case http.StatusServiceUnavailable: // Opptima resends later
			continue
		default:
			require.Failf(g.t, "unexpected status", "%d", resp.StatusCode)
		}
	}
}

// testIDAdapter presents opptima.test_id (our name for the payload's
// test_id field) as the test_id attribute the contract checker counts. It
// passes the checker's decision back unchanged.
type testIDAdapter struct{ next consumer.Logs }

func (a testIDAdapter) Capabilities() consumer.Capabilities {
	return consumer.Capabilities{MutatesData: true}
}

func (a testIDAdapter) ConsumeLogs(ctx context.Context, logs plog.Logs) error {
	records := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
	for i := 0; i < records.Len(); i++ {
		if id, ok := records.At(i).Attributes().Get("opptima.test_id"); ok {
			records.At(i).Attributes().PutStr(receivertest.UniqueIDAttrName, id.Str())
		}
	}
	return a.next.ConsumeLogs(ctx, logs)
}

// TestConsumeContract: under success, permanent, retryable and random
// errors, every event sent is either accepted or, on a permanent error,
// dropped exactly once: none lost, none duplicated.
func TestConsumeContract(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = addr
	cfg.APIKeys = []configopaque.String{testKey}

	factory := receiver.NewFactory(metadata.Type, createDefaultConfig,
		receiver.WithLogs(func(ctx context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
			return createLogs(ctx, set, cfg, testIDAdapter{next: next})
		}, metadata.LogsStability))

	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	receivertest.CheckConsumeContract(receivertest.CheckConsumeContractParams{
		T:             t,
		Factory:       factory,
		Signal:        pipeline.SignalLogs,
		Config:        cfg,
		Generator:     &webhookGenerator{t: t, url: "http://" + addr + "/opptima", client: &http.Client{Transport: transport}},
		GenerateCount: 500,
	})
}
