// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opptimaotel/opptimareceiver/internal/proctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// worstCaseBody is a body just under the default 1 MiB limit made of the
// smallest events, the body that costs the most memory per byte.
func worstCaseBody() []byte {
	const event = `{"event":"x"},`
	n := (1<<20 - 2) / len(event)
	return []byte("[" + strings.TrimSuffix(strings.Repeat(event, n), ",") + "]")
}

// worstCaseLoad posts one worst-case body from each of 256 connections at
// once, each resent after a 503 until it is taken, to a Collector with the
// receiver's defaults (plus receiverExtra) and a nop exporter, and returns
// the Collector's peak RSS in MiB, the 503s answered and the 503s its own
// telemetry counted.
func worstCaseLoad(t *testing.T, receiverExtra string) (peakMiB float64, refused, counted int64) {
	t.Helper()
	telemetryAddr := freeAddr(t)
	telemetryHost, telemetryPort, _ := strings.Cut(telemetryAddr, ":")
	config := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(config, []byte(`
receivers:
  opptima:
    endpoint: ${env:OPPTIMA_ENDPOINT}
    api_keys: ["${env:OPPTIMA_API_KEY}"]
`+receiverExtra+`
exporters:
  nop:
extensions:
  health_check:
    endpoint: ${env:HEALTH_ENDPOINT}
service:
  extensions: [health_check]
  telemetry:
    metrics:
      readers:
        - pull: {exporter: {prometheus: {host: `+telemetryHost+`, port: `+telemetryPort+`}}}
  pipelines:
    logs: {receivers: [opptima], exporters: [nop]}
`), 0o600))
	col := startCollector(t, config, nil)
	body := worstCaseBody()
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	start := make(chan struct{})
	var accepted, status503 atomic.Int64
	var wg sync.WaitGroup
	for range 256 {
		wg.Go(func() {
			<-start
			for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); {
				req, _ := http.NewRequest(http.MethodPost, col.webhook, strings.NewReader(string(body)))
				req.Header.Set("Authorization", "Bearer "+testAPIKey)
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("connection dropped: %v", err)
					return
				}
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					accepted.Add(1)
					return
				case http.StatusServiceUnavailable:
					status503.Add(1)
					time.Sleep(200 * time.Millisecond)
				default:
					t.Errorf("answered %d", resp.StatusCode)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	assert.Equal(t, int64(256), accepted.Load(), "every body is taken in the end")
	counted, err := scrapeCounter("http://"+telemetryAddr+"/metrics", "otelcol_receiver_opptima_requests_retry_later")
	require.NoError(t, err)
	return statusMiB(t, col.cmd.Process.Pid, "VmHWM:"), status503.Load(), counted
}

// scrapeCounter sums the samples of one counter on a Prometheus endpoint.
func scrapeCounter(url, name string) (int64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	var total float64
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, name+"{") || strings.HasPrefix(line, name+" ") {
			v, err := strconv.ParseFloat(line[strings.LastIndex(line, " ")+1:], 64)
			if err != nil {
				return 0, err
			}
			total += v
		}
	}
	return int64(total), nil
}

func statusMiB(t *testing.T, pid int, field string) float64 {
	t.Helper()
	mib, err := proctest.StatusMiB(pid, field)
	require.NoError(t, err)
	return mib
}

// TestAdmissionBoundsMemory: 256 connections each posting a worst-case
// 1 MiB body at once. With the receiver's defaults the Collector's peak RSS
// stays under 512 MiB; what does not fit is answered 503 and taken on a
// resend, and no connection is dropped.
func TestAdmissionBoundsMemory(t *testing.T) {
	peak, refused, counted := worstCaseLoad(t, "")
	t.Logf("peak RSS %.0f MiB with the defaults; %d answers were 503 and resent", peak, refused)
	assert.Less(t, peak, 512.0)
	assert.Positive(t, refused, "the bound was reached")
	assert.Equal(t, refused, counted, "otelcol_receiver_opptima_requests_retry_later counts every 503")
}

// TestWithoutAdmissionBound measures the same load with the bound lifted,
// for RELIABILITY.md. It needs several GB, so it runs only when asked:
// OPPTIMA_MEASURE_UNBOUNDED=1.
func TestWithoutAdmissionBound(t *testing.T) {
	if os.Getenv("OPPTIMA_MEASURE_UNBOUNDED") == "" {
		t.Skip("set OPPTIMA_MEASURE_UNBOUNDED=1 to measure the load without the bound (several GB)")
	}
	peak, refused, _ := worstCaseLoad(t, "    max_in_flight_bytes: 1099511627776")
	t.Logf("peak RSS %.0f MiB without the bound; %d answers were 503", peak, refused)
}
