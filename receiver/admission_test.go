// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
)

// gatedLogs holds every ConsumeLogs until the gate opens, so that requests
// stay in flight.
type gatedLogs struct {
	gate     chan struct{}
	entered  chan struct{}
	records  atomic.Int64
	sleepFor time.Duration
}

func (g *gatedLogs) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

func (g *gatedLogs) ConsumeLogs(_ context.Context, logs plog.Logs) error {
	if g.entered != nil {
		g.entered <- struct{}{}
	}
	if g.gate != nil {
		<-g.gate
	}
	time.Sleep(g.sleepFor)
	g.records.Add(int64(logs.LogRecordCount()))
	return nil
}

func bodyOfSize(size int) []byte {
	event := `{"event":"bounce","to":"a@gmail.com"}`
	n := size / (len(event) + 1)
	return []byte("[" + strings.TrimSuffix(strings.Repeat(event+",", n), ",") + "]")
}

// TestAdmissionRefusesWhenFull: with room for two bodies in flight, a third
// request while two are being consumed is answered 503 with Retry-After
// before its body is read, and passes nothing on; once the two finish,
// requests pass again.
func TestAdmissionRefusesWhenFull(t *testing.T) {
	logs := &gatedLogs{gate: make(chan struct{}), entered: make(chan struct{}, 8)}
	body := bodyOfSize(20 << 10)
	url := startReceiver(t, pipelines{logs: logs}, func(cfg *Config) {
		cfg.MaxRequestBodySize = 32 << 10
		cfg.MaxInFlightBytes = int64(2*len(body) + 100)
	}).url

	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			status, err := send(t, http.MethodPost, url, body, bearer(testKey)).result()
			assert.NoError(t, err)
			assert.Equal(t, http.StatusOK, status)
		})
	}
	<-logs.entered
	<-logs.entered

	a := send(t, http.MethodPost, url, body, bearer(testKey))
	assert.Equal(t, http.StatusServiceUnavailable, a.status)
	assert.Equal(t, "5", a.header.Get("Retry-After"))
	assert.Contains(t, a.body["error"], "max_in_flight_bytes")

	close(logs.gate)
	wg.Wait()
	assert.Equal(t, int64(2*bytes.Count(body, []byte(`"event"`))), logs.records.Load(), "only the two admitted requests passed on")

	status, err := send(t, http.MethodPost, url, body, bearer(testKey)).result()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, "the room is given back")
}

// TestAdmissionCountsABodyOfUnknownLengthAtItsMost: a chunked request
// claims max_request_body_size while it is read, so with room for one such
// body, nothing else is admitted until it is read.
func TestAdmissionCountsABodyOfUnknownLengthAtItsMost(t *testing.T) {
	logs := &gatedLogs{}
	url := startReceiver(t, pipelines{logs: logs}, func(cfg *Config) {
		cfg.MaxRequestBodySize = 64 << 10
		cfg.MaxInFlightBytes = 64 << 10
	}).url
	reader, writer := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, url, reader) // no Content-Length: chunked
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testKey)
	done := make(chan int)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if !assert.NoError(t, err) {
			close(done)
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	_, err = writer.Write([]byte(`[{"event":"sent"}`))
	require.NoError(t, err)

	eventually(t, func() bool {
		a := send(t, http.MethodPost, url, []byte(`{"event":"sent"}`), bearer(testKey))
		return a.status == http.StatusServiceUnavailable
	})
	_, err = writer.Write([]byte(`]`))
	require.NoError(t, err)
	require.NoError(t, writer.Close())
	assert.Equal(t, http.StatusOK, <-done)
	status, err := send(t, http.MethodPost, url, []byte(`{"event":"sent"}`), bearer(testKey)).result()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
}

// TestOrdinaryTrafficNeverMeetsTheBound: with the defaults, 256 connections
// posting the documented bounce at once, each consume taking a while, never
// get a 503.
func TestOrdinaryTrafficNeverMeetsTheBound(t *testing.T) {
	logs := &gatedLogs{sleepFor: 2 * time.Millisecond}
	url := startReceiver(t, pipelines{logs: logs}, nil).url
	body := fixture(t, "smtp-bounce.json")
	var refused, accepted atomic.Int64
	var wg sync.WaitGroup
	for range 256 {
		wg.Go(func() {
			for range 10 {
				status, err := send(t, http.MethodPost, url, body, bearer(testKey)).result()
				if !assert.NoError(t, err) {
					return
				}
				if status == http.StatusOK {
					accepted.Add(1)
				} else {
					refused.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.Zero(t, refused.Load())
	assert.Equal(t, int64(2560), accepted.Load())
}

func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
	}
}

// TestReadBodyWhateverItAnnounces: the length a request announces only
// sizes the buffer: a body longer than announced (decompressed) is read
// whole, one shorter is not padded, and an announcement past the limit
// allocates nothing up front.
func TestReadBodyWhateverItAnnounces(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 10_000)
	for _, announced := range []int64{-1, 0, 100, 10_000, 20_000, 1 << 40} {
		got, err := readBody(bytes.NewReader(body), announced, 1<<20)
		require.NoError(t, err)
		assert.Equal(t, body, got, "announced %d", announced)
		if announced == 10_000 {
			assert.Equal(t, 10_000+bytes.MinRead, cap(got), "one buffer of the announced size")
		}
	}
}
