// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSIGTERMDuringLoad stops the built Collector with SIGTERM while 16
// connections post events: every event answered 200 is in the file
// exporter's output; requests cut off were never answered 200.
func TestSIGTERMDuringLoad(t *testing.T) {
	eventsFile := filepath.Join(t.TempDir(), "events.jsonl")
	config := writeConfig(t, `
exporters:
  file:
    path: `+eventsFile, "exporters: [file]", "")
	col := startCollector(t, config, nil)

	var acknowledged sync.Map
	var acks, refused atomic.Int64
	var relids atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for range 16 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				relid := relids.Add(1)
				req, _ := http.NewRequest(http.MethodPost, col.webhook,
					strings.NewReader(fmt.Sprintf(`{"type":"SMTP","event":"delivered","relid":%d,"to":"a@b.co"}`, relid)))
				req.Header.Set("Authorization", "Bearer "+testAPIKey)
				resp, err := client.Do(req)
				if err != nil {
					refused.Add(1)
					time.Sleep(10 * time.Millisecond)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					acknowledged.Store(fmt.Sprint(relid), true)
					acks.Add(1)
				} else {
					refused.Add(1)
				}
			}
		})
	}
	waitUntil(t, time.Minute, func() bool { return acks.Load() >= 500 })
	require.NoError(t, col.cmd.Process.Signal(syscall.SIGTERM))
	<-col.done
	time.Sleep(200 * time.Millisecond) // requests in flight at exit get their answer or an error
	close(stop)
	wg.Wait()

	data, err := os.ReadFile(eventsFile)
	require.NoError(t, err)
	written := string(data)
	missing := 0
	acknowledged.Range(func(relid, _ any) bool {
		if !strings.Contains(written, `{"key":"opptima.relid","value":{"stringValue":"`+relid.(string)+`"}}`) {
			missing++
		}
		return true
	})
	t.Logf("SIGTERM: %d acknowledged, %d refused or cut off, %d acknowledged but not written", acks.Load(), refused.Load(), missing)
	assert.Positive(t, refused.Load(), "the stop did cut requests off")
	assert.Zero(t, missing, "an event answered 200 was not delivered")
}

// TestMemoryLimiterRefusalIs503 runs a memory_limiter set far below what
// the Collector uses, so that it refuses everything: the receiver answers
// 503 with Retry-After and passes nothing on.
func TestMemoryLimiterRefusalIs503(t *testing.T) {
	eventsFile := filepath.Join(t.TempDir(), "events.jsonl")
	config := writeConfig(t, `
processors:
  memory_limiter:
    check_interval: 100ms
    limit_mib: 2
    spike_limit_mib: 1
exporters:
  file:
    path: `+eventsFile, "processors: [memory_limiter], exporters: [file]", "")
	col := startCollector(t, config, nil)
	time.Sleep(300 * time.Millisecond) // let the limiter take its first reading

	req, err := http.NewRequest(http.MethodPost, col.webhook, strings.NewReader(string(payload(t, "smtp-bounce.json"))))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	time.Sleep(1500 * time.Millisecond)
	data, _ := os.ReadFile(eventsFile)
	assert.NotContains(t, string(data), "opptima.smtp.bounce", "a refused event was passed on")
}
