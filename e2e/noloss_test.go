// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// opptimaSender plays Opptima: it sends n distinct events (relid 0..n-1)
// from several connections and resends each until it is answered 200, as
// Opptima does on errors. It records which events were acknowledged.
type opptimaSender struct {
	url          func() string
	acknowledged sync.Map // relid -> true
	acks         atomic.Int64
	status503    atomic.Int64
	failures     atomic.Int64 // connection errors: the Collector was down
	otherErrors  atomic.Int64 // other answers than 200 and 503 (a proxy's 502), resent too

	pace  time.Duration                  // pause of each connection between events, to spread the load
	onAck func(relid int, h http.Header) // sees each 200 and its headers
}

func (s *opptimaSender) run(t *testing.T, n, workers int, deadline time.Duration) {
	next := make(chan int)
	go func() {
		for i := range n {
			next <- i
		}
		close(next)
	}()
	client := &http.Client{Timeout: 10 * time.Second}
	stopAt := time.Now().Add(deadline)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for relid := range next {
				body := fmt.Sprintf(`{"type":"SMTP","event":"bounce","relid":%d,"to":"u%d@example.com","timestamp":"2020-10-05 17:40:54","status":"Rebote duro","response":"550 5.1.1 unknown"}`, relid, relid)
				for time.Now().Before(stopAt) {
					req, _ := http.NewRequest(http.MethodPost, s.url(), strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+testAPIKey)
					resp, err := client.Do(req)
					if err != nil {
						s.failures.Add(1)
						time.Sleep(50 * time.Millisecond)
						continue
					}
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						s.acknowledged.Store(fmt.Sprint(relid), true)
						s.acks.Add(1)
						if s.onAck != nil {
							s.onAck(relid, resp.Header)
						}
						time.Sleep(s.pace)
						break
					}
					switch {
					case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Content-Type") == "application/json":
						s.status503.Add(1)
						if resp.Header.Get("Retry-After") == "" {
							t.Errorf("503 without Retry-After")
						}
					default: // not the receiver's answer: a proxy with no server to give it to
						s.otherErrors.Add(1)
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
}

// delivered waits until VictoriaLogs holds every acknowledged event and
// returns how many were lost and duplicated.
func (s *opptimaSender) delivered(t *testing.T, vlogs string) (lost, duplicates int) {
	var counts map[string]int
	check := func() error {
		rows, err := queryVictoriaLogs(vlogs, `service.name:=opptima | fields opptima.relid`)
		if err != nil {
			return err
		}
		counts = map[string]int{}
		for _, row := range rows {
			counts[row["opptima.relid"]]++
		}
		lost = 0
		s.acknowledged.Range(func(relid, _ any) bool {
			if counts[relid.(string)] == 0 {
				lost++
			}
			return true
		})
		if lost > 0 {
			return fmt.Errorf("%d acknowledged events not in VictoriaLogs yet", lost)
		}
		return nil
	}
	deadline := time.Now().Add(90 * time.Second)
	for err := check(); err != nil && time.Now().Before(deadline); err = check() {
		time.Sleep(500 * time.Millisecond)
	}
	for _, c := range counts {
		duplicates += c - 1
	}
	return lost, duplicates
}

func productionEnv(t *testing.T, vlogs, queueDir string, extra map[string]string) map[string]string {
	_, telemetryPort, _ := strings.Cut(freeAddr(t), ":")
	env := map[string]string{"LOKI_OTLP_ENDPOINT": vlogs + "/insert/opentelemetry", "QUEUE_DIR": queueDir,
		"TELEMETRY_HOST": "127.0.0.1", "TELEMETRY_PORT": telemetryPort, "PROMETHEUS_ENDPOINT": freeAddr(t),
		"SERVICE_INSTANCE_ID": "otelcol-opptima-0"}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

// TestNoLossAcrossACrash: with examples/production.yaml (persistent queue on
// file_storage, exporter-side batching), kill -9 the Collector while
// thousands of events arrive, restart it, and check in VictoriaLogs that
// every event answered 200 arrived.
func TestNoLossAcrossACrash(t *testing.T) {
	vlogs := startVictoriaLogs(t)
	queueDir := t.TempDir()
	webhook, health := freeAddr(t), freeAddr(t)
	env := productionEnv(t, vlogs, queueDir, nil)
	col := startCollectorOn(t, "production.yaml", webhook, health, env)

	const n = 3000
	sender := &opptimaSender{url: func() string { return "http://" + webhook + "/opptima" }}
	done := make(chan struct{})
	go func() { sender.run(t, n, 16, 3*time.Minute); close(done) }()

	// Crash midway, then come back on the same addresses and queue.
	waitUntil(t, time.Minute, func() bool { return sender.acks.Load() >= n/3 })
	require.NoError(t, col.cmd.Process.Kill())
	<-col.done
	acksAtCrash := sender.acks.Load()
	startCollectorOn(t, "production.yaml", webhook, health, env)
	<-done

	lost, duplicates := sender.delivered(t, vlogs)
	t.Logf("crash: sent %d, acknowledged %d (%d before the kill), connection failures retried %d, lost %d, duplicates %d",
		n, sender.acks.Load(), acksAtCrash, sender.failures.Load(), lost, duplicates)
	assert.Equal(t, int64(n), sender.acks.Load(), "every event was acknowledged in the end")
	assert.Zero(t, lost, "acknowledged events lost")
}

// TestNoLossAcrossABackendOutage stops VictoriaLogs for 30 s during the load.
// The persistent queue (kept small here) fills, the receiver answers 503
// with Retry-After instead of 200, and once the backend is back every
// acknowledged event arrives.
func TestNoLossAcrossABackendOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("takes over 30 s")
	}
	vlogsBin := binary(t, "VICTORIA_LOGS_BIN")
	vlogsAddr, dataDir := freeAddr(t), t.TempDir()
	startVL := func() *process {
		p := startProcess(t, vlogsBin, nil, "-storageDataPath="+dataDir, "-httpListenAddr="+vlogsAddr, "-retentionPeriod=100y", "-loggerLevel=WARN")
		p.waitHTTP(t, "http://"+vlogsAddr+"/health")
		return p
	}
	vl := startVL()
	vlogs := "http://" + vlogsAddr
	col := startCollector(t, "production.yaml", productionEnv(t, vlogs, t.TempDir(), map[string]string{"QUEUE_BYTES": "1141000"}))

	const n = 2000
	sender := &opptimaSender{url: func() string { return col.webhook }}
	done := make(chan struct{})
	go func() { sender.run(t, n, 8, 3*time.Minute); close(done) }()

	waitUntil(t, time.Minute, func() bool { return sender.acks.Load() >= n/4 })
	// The backend goes away the way a deployment or a crash-free restart
	// takes it: SIGTERM, so that what it had acknowledged is on its disk
	// (killed with -9, VictoriaLogs loses its last second of writes, which
	// no sender can see).
	require.NoError(t, vl.cmd.Process.Signal(syscall.SIGTERM))
	<-vl.done
	time.Sleep(30 * time.Second)
	during503 := sender.status503.Load()
	startVL()
	<-done

	lost, duplicates := sender.delivered(t, vlogs)
	t.Logf("outage: sent %d, acknowledged %d, 503 answers %d (by the end of the outage %d), lost %d, duplicates %d",
		n, sender.acks.Load(), sender.status503.Load(), during503, lost, duplicates)
	assert.Positive(t, during503, "a full queue is answered 503, not 200")
	assert.Equal(t, int64(n), sender.acks.Load())
	assert.Zero(t, lost, "acknowledged events lost")
}
