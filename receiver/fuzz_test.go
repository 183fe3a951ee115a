// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// fuzzSeeds adds every fixture and a few odd bodies to f.
func fuzzSeeds(f *testing.F) {
	payloads, _ := filepath.Glob(filepath.Join("..", "testdata", "payloads", "*.json"))
	for _, p := range payloads {
		body, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`[{"event":"bounce"},{"event":"sent"}]`))
	f.Add([]byte("{\"event\":\"\xff\"}"))
}

// checkAnswer holds whatever answer a body got to the webhook's contract:
// 200, 400 or 413, always JSON; a refusal passes nothing on; a 200 passes
// on exactly the events it announces.
func checkAnswer(t *testing.T, status int, answer []byte, passed int) {
	t.Helper()
	var parsed struct {
		Accepted int    `json:"accepted"`
		Error    string `json:"error"`
	}
	if err := json.Unmarshal(answer, &parsed); err != nil {
		t.Fatalf("answer is not JSON: %q", answer)
	}
	switch status {
	case http.StatusOK:
		if parsed.Accepted < 1 || parsed.Accepted != passed {
			t.Fatalf("200 announced %d events, %d passed on", parsed.Accepted, passed)
		}
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		if passed != 0 || parsed.Error == "" {
			t.Fatalf("%d passed %d events on, error %q", status, passed, parsed.Error)
		}
	default:
		t.Fatalf("unexpected status %d: %s", status, answer)
	}
}

// FuzzHandler serves arbitrary bodies with the handler in process, through
// httptest.NewRecorder, as core's otlpreceiver fuzzes its handlers: no
// network, so a short run covers many more inputs than FuzzHTTPHandler.
func FuzzHandler(f *testing.F) {
	fuzzSeeds(f)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.APIKeys = []configopaque.String{testKey}
	rcv, err := newWebhookReceiver(cfg, receivertest.NewNopSettings(metadata.Type))
	if err != nil {
		f.Fatal(err)
	}
	sink := new(consumertest.LogsSink)
	handler := newWebhookHandler(cfg, sink, nil, rcv.obsreport, rcv.telemetry, rcv.converter, rcv.warnings)
	f.Fuzz(func(t *testing.T, body []byte) {
		before := sink.LogRecordCount()
		req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/opptima", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testKey)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		checkAnswer(t, rec.Code, rec.Body.Bytes(), sink.LogRecordCount()-before)
	})
}

// FuzzHTTPHandler posts arbitrary bodies through the real server, seeded
// with every fixture. Whatever the body: the answer is 200, 400 or 413 and
// is JSON; a refused body passes nothing on; a 200 passes on exactly the
// number of events it announces.
func FuzzHTTPHandler(f *testing.F) {
	fuzzSeeds(f)
	sink := new(consumertest.LogsSink)
	url := startReceiver(f, pipelines{logs: sink}, nil).url
	transport := &http.Transport{}
	f.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Transport: transport}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := sink.LogRecordCount()
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testKey)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		checkAnswer(t, resp.StatusCode, answer, sink.LogRecordCount()-before)
	})
}
