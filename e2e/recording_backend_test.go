// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
)

type recordedRequest struct {
	path   string
	header http.Header
	logs   plog.Logs
}

// recordingBackend answers with the given statuses in turn (then 200) and
// keeps every request it decoded.
type recordingBackend struct {
	url      string
	mu       sync.Mutex
	statuses []int
	requests []recordedRequest
}

func startRecordingBackend(t *testing.T, statuses ...int) *recordingBackend {
	t.Helper()
	b := &recordingBackend{statuses: statuses}
	addr := freeAddr(t)
	server := &http.Server{Addr: addr, Handler: http.HandlerFunc(b.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = server.ListenAndServe() }()
	t.Cleanup(func() { _ = server.Close() })
	b.url = "http://" + addr
	eventually(t, 5*time.Second, func() error {
		resp, err := http.Get(b.url + "/ready")
		if err == nil {
			resp.Body.Close()
		}
		return err
	})
	return b
}

func (b *recordingBackend) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/ready" {
		return
	}
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := plogotlp.NewExportRequest()
	if r.Header.Get("Content-Type") != "application/x-protobuf" || req.UnmarshalProto(raw) != nil {
		http.Error(w, "not protobuf OTLP", http.StatusUnsupportedMediaType)
		return
	}
	b.mu.Lock()
	b.requests = append(b.requests, recordedRequest{path: r.URL.Path, header: r.Header.Clone(), logs: req.Logs()})
	status := http.StatusOK
	if len(b.statuses) > 0 {
		status, b.statuses = b.statuses[0], b.statuses[1:]
	}
	b.mu.Unlock()
	if status != http.StatusOK {
		w.Header().Set("Retry-After", "1")
		http.Error(w, http.StatusText(status), status)
		return
	}
	out, _ := plogotlp.NewExportResponse().MarshalProto()
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (b *recordingBackend) received() []recordedRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]recordedRequest(nil), b.requests...)
}

// waitForRequests waits until the backend got at least n requests.
func (b *recordingBackend) waitForRequests(t *testing.T, n int) []recordedRequest {
	t.Helper()
	eventually(t, 30*time.Second, func() error {
		if got := len(b.received()); got < n {
			return fmt.Errorf("%d requests, want %d", got, n)
		}
		return nil
	})
	return b.received()
}

// documentedBounce is the documented bounce as the golden file has it.
func documentedBounce(t *testing.T) plog.LogRecord {
	t.Helper()
	logs, err := golden.ReadLogs(filepath.Join("..", "testdata", "expected", "smtp-bounce.yaml"))
	require.NoError(t, err)
	return logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
}

// assertCarriesTheBounce checks that the request holds the documented
// bounce with every attribute, and the given resource attributes.
func assertCarriesTheBounce(t *testing.T, req recordedRequest, resource map[string]any) plog.LogRecord {
	t.Helper()
	require.Equal(t, 1, req.logs.LogRecordCount())
	rl := req.logs.ResourceLogs().At(0)
	for k, v := range resource {
		got, ok := rl.Resource().Attributes().Get(k)
		if assert.True(t, ok, "resource attribute %s", k) {
			assert.Equal(t, v, got.AsRaw(), "resource attribute %s", k)
		}
	}
	rec := rl.ScopeLogs().At(0).LogRecords().At(0)
	want := documentedBounce(t)
	for k, v := range want.Attributes().All() {
		got, ok := rec.Attributes().Get(k)
		if assert.True(t, ok, "attribute %s", k) {
			assert.Equal(t, v.AsRaw(), got.AsRaw(), "attribute %s", k)
		}
	}
	assert.Equal(t, want.Body().Str(), rec.Body().Str())
	assert.Equal(t, want.EventName(), rec.EventName())
	assert.Equal(t, want.SeverityNumber(), rec.SeverityNumber())
	return rec
}
