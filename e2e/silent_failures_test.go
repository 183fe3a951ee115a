// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSilentFailuresPage makes each failure that no bounce alert sees
// happen to examples/production.yaml in the built Collector, with a real
// Prometheus scraping its own telemetry and evaluating the shipped rules
// ("for:" minutes as seconds), and waits for its alert to fire:
//   - the backend answers 400: the exporter drops acknowledged events;
//   - the backend is down until the queue fills: the webhook answers 503
//     and both queue alerts fire;
//   - Opptima's key was rotated: every request is refused as unauthorized;
//   - the webhooks stop where, a little earlier, they came (the week of the
//     rule shortened to seconds in this copy).
func TestSilentFailuresPage(t *testing.T) {
	t.Parallel() // waits on Prometheus' rule evaluations (e2e/doc.go)
	promBin := binary(t, "PROMETHEUS_BIN")
	start := func(t *testing.T, backend string, env map[string]string, rewrite func(string) string) (*collector, *prometheus) {
		t.Helper()
		env = productionEnv(t, backend, t.TempDir(), env)
		col := startCollector(t, "production.yaml", env)
		prom := startPrometheusWith(t, promBin, freeAddr(t), freeAddr(t), map[string]string{
			"otelcol-opptima-telemetry": "127.0.0.1:" + env["TELEMETRY_PORT"],
			"otelcol-opptima-counters":  env["PROMETHEUS_ENDPOINT"],
		}, rewrite)
		return col, prom
	}
	keep := func(rules string) string { return rules }

	t.Run("an exporter answered 400", func(t *testing.T) {
		t.Parallel()
		statuses := make([]int, 100)
		for i := range statuses {
			statuses[i] = http.StatusBadRequest
		}
		backend := startRecordingBackend(t, statuses...)
		col, prom := start(t, backend.url, nil, keep)
		for i := range 20 {
			require.Equal(t, http.StatusOK, col.post(t, []byte(testEvent(i, false, "gmail.com", bogotaNow(), ""))))
		}
		waitForFiring(t, prom, "OpptimaAcknowledgedEventsDropped")
	})

	t.Run("the backend is down until the queue fills", func(t *testing.T) {
		t.Parallel()
		col, prom := start(t, "http://"+freeAddr(t), map[string]string{"QUEUE_BYTES": "570000"}, keep)
		var accepted, refused int
		for i := 0; refused < 20 && i < 5000; i++ {
			switch status := col.post(t, []byte(testEvent(i, false, "gmail.com", bogotaNow(), ""))); status {
			case http.StatusOK:
				accepted++
			case http.StatusServiceUnavailable:
				refused++
			default:
				t.Fatalf("webhook answered %d", status)
			}
		}
		require.Equal(t, 20, refused, "a full queue is answered 503 (after %d accepted)", accepted)
		waitForFiring(t, prom, "OpptimaQueueNearlyFull")
		waitForFiring(t, prom, "OpptimaQueueFilling")
		waitForFiring(t, prom, "OpptimaWebhooksAnswered503")
		require.Equal(t, http.StatusServiceUnavailable, col.post(t, []byte(testEvent(0, false, "gmail.com", bogotaNow(), ""))),
			"the Collector still answers, 503, with its queue full")
		t.Logf("accepted %d events before the first 503", accepted)
	})

	t.Run("a rotated key", func(t *testing.T) {
		t.Parallel()
		col, prom := start(t, startRecordingBackend(t).url, nil, keep)
		stop := sendFor(t, col.webhook, "Bearer rotated-in-opptima-1f2e", 2)
		defer stop()
		waitForFiring(t, prom, "OpptimaWebhooksUnauthorized")
	})

	t.Run("webhooks stop", func(t *testing.T) {
		t.Parallel()
		// The rule's week becomes 40 seconds, its half hour 10 seconds.
		shorten := func(rules string) string {
			short := strings.ReplaceAll(rules, "[30m] offset 1w", "[10s] offset 40s")
			return strings.ReplaceAll(short, "[30m]", "[10s]")
		}
		col, prom := start(t, startRecordingBackend(t).url, nil, shorten)
		stop := sendFor(t, col.webhook, "Bearer "+testAPIKey, 2)
		time.Sleep(45 * time.Second)
		stop()
		waitForFiring(t, prom, "OpptimaWebhooksStopped")
	})
}

// bogotaNow is the current time as Opptima writes it.
func bogotaNow() string { return time.Now().In(time.FixedZone("COT", -5*3600)).Format(time.DateTime) }

// sendFor posts a delivered event perSecond times a second with the given
// Authorization until the returned stop is called.
func sendFor(t *testing.T, url, authorization string, perSecond int) (stop func()) {
	t.Helper()
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Second / time.Duration(perSecond))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(testEvent(i, false, "gmail.com", bogotaNow(), ""))))
			if err != nil {
				continue
			}
			req.Header.Set("Authorization", authorization)
			req.Header.Set("Content-Type", "application/json")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}
	}()
	return func() {
		select {
		case <-done:
		default:
			close(done)
		}
		<-stopped
	}
}

// waitForFiring waits until Prometheus has the alert firing.
func waitForFiring(t *testing.T, prom *prometheus, name string) {
	t.Helper()
	eventually(t, 90*time.Second, func() error {
		alerts, err := prom.alerts()
		if err != nil {
			return err
		}
		if alerts[name] != "firing" {
			return fmt.Errorf("%s is %q; alerts: %v", name, alerts[name], alerts)
		}
		return nil
	})
}
