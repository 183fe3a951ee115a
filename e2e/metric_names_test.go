// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryMetricNameTheAlertsReadIsServed runs each shipped config that
// serves metrics in the built Collector, drives it until every metric the
// alerts can read exists (accepted events, a refused key, an exporter drop,
// a full queue), scrapes its endpoints, and fails on any metric name that a
// rule or a dashboard query reads but no config serves, and on a config
// that serves a family under another name than the others (the naming is
// pinned in each file, not left to the exporters' defaults).
func TestEveryMetricNameTheAlertsReadIsServed(t *testing.T) {
	served := map[string][]string{} // name -> configs serving it
	serve := func(config string, endpoints ...string) {
		for _, endpoint := range endpoints {
			for _, name := range scrapeNames(t, endpoint) {
				served[name] = append(served[name], config)
			}
		}
	}

	// production.yaml: a backend that answers 400 once (a drop), then 503
	// (retried until the ~500-event queue is full and the webhook says 503).
	statuses := []int{http.StatusBadRequest}
	for range 1000 {
		statuses = append(statuses, http.StatusServiceUnavailable)
	}
	backend := startRecordingBackend(t, statuses...)
	env := productionEnv(t, backend.url, t.TempDir(), map[string]string{"QUEUE_BYTES": "570000", "OPPTIMA_METRICS_INTERVAL": "1s"})
	col := startCollector(t, "production.yaml", env)
	drive(t, col)
	backend.waitForRequests(t, 1)
	for i := 0; i < 2000 && col.post(t, []byte(testEvent(i, i%10 == 0, "gmail.com", bogotaNow(), userUnknown))) == http.StatusOK; i++ {
	}
	telemetry := "127.0.0.1:" + env["TELEMETRY_PORT"]
	eventually(t, 30*time.Second, func() error {
		names := scrapeNames(t, telemetry)
		for _, want := range []string{"otelcol_exporter_send_failed_log_records", "otelcol_receiver_opptima_requests_retry_later"} {
			if !slices.Contains(names, want) {
				return fmt.Errorf("%s not served yet", want)
			}
		}
		return nil
	})
	serve("production.yaml", telemetry, env["PROMETHEUS_ENDPOINT"])

	_, localTelemetry, _ := strings.Cut(freeAddr(t), ":")
	local := map[string]string{"EVENTS_FILE": filepath.Join(t.TempDir(), "events.jsonl"), "PROMETHEUS_ENDPOINT": freeAddr(t), "TELEMETRY_PORT": localTelemetry}
	drive(t, startCollector(t, "local.yaml", local))
	serve("local.yaml", "localhost:"+localTelemetry, local["PROMETHEUS_ENDPOINT"])

	counters := map[string]string{"PROMETHEUS_ENDPOINT": freeAddr(t), "OPPTIMA_METRICS_INTERVAL": "1s"}
	drive(t, startCollector(t, "bounce-rate.yaml", counters))
	serve("bounce-rate.yaml", counters["PROMETHEUS_ENDPOINT"])

	used := namesReadByAlertsAndDashboard(t)
	require.Contains(t, used, "opptima_events_total")
	require.Contains(t, used, "otelcol_exporter_send_failed_log_records")
	for _, name := range used {
		assert.NotEmpty(t, served[name], "%s is read by a rule or the dashboard but no shipped config serves it", name)
	}
	assert.ElementsMatch(t, []string{"production.yaml", "local.yaml", "bounce-rate.yaml"}, served["opptima_events_total"])
	for _, name := range []string{"otelcol_receiver_accepted_log_records", "otelcol_receiver_opptima_requests_refused"} {
		assert.ElementsMatch(t, []string{"production.yaml", "local.yaml"}, served[name], "%s, under one name in every config", name)
	}
}

// drive sends the traffic that makes the receiver's metrics exist: events
// accepted, bounces among them, and a request with a wrong key.
func drive(t *testing.T, col *collector) {
	t.Helper()
	for i := range 10 {
		require.Equal(t, http.StatusOK, col.post(t, []byte(testEvent(i, i%2 == 0, "gmail.com", bogotaNow(), userUnknown))))
	}
	req, err := http.NewRequest(http.MethodPost, col.webhook, strings.NewReader(testEvent(0, false, "gmail.com", bogotaNow(), "")))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer not-the-key")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

// scrapeNames returns the metric names an endpoint serves now.
func scrapeNames(t *testing.T, endpoint string) []string {
	t.Helper()
	var names []string
	eventually(t, 30*time.Second, func() error {
		resp, err := http.Get("http://" + endpoint + "/metrics")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		names = nil
		for _, line := range strings.Split(string(body), "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if name := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*`).FindString(line); !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			return fmt.Errorf("%s serves no metric yet", endpoint)
		}
		return nil
	})
	return names
}

// namesReadByAlertsAndDashboard returns the metric names the rule files and
// the dashboard's queries select: the otelcol_ and opptima_events names
// (recording rules have a colon; labels are never otelcol_).
func namesReadByAlertsAndDashboard(t *testing.T) []string {
	t.Helper()
	var exprs []string
	for _, r := range shippedRules(t) {
		exprs = append(exprs, r.Expr)
	}
	data, err := os.ReadFile(filepath.Join("..", "deploy", "dashboard", "opptima-bounces.json"))
	require.NoError(t, err)
	var board struct {
		Panels []struct {
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(data, &board))
	for _, p := range board.Panels {
		for _, target := range p.Targets {
			exprs = append(exprs, target.Expr)
		}
	}
	var names []string
	for _, expr := range exprs {
		for _, name := range regexp.MustCompile(`\b(otelcol_[a-z_]+|opptima_events[a-z_]*)\b`).FindAllString(expr, -1) {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	return names
}
