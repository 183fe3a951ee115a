// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exampleEnv is what the examples' comments say they need, with dummy values.
var exampleEnv = []string{
	"OPPTIMA_API_KEY=" + testAPIKey,
	"LOKI_OTLP_ENDPOINT=http://127.0.0.1:3100/otlp",
	"ELASTIC_OTLP_ENDPOINT=https://127.0.0.1:8200",
	"ELASTIC_API_KEY=ZHVtbXk6a2V5",
	"DD_API_KEY=dummy",
	"LOKI_BASIC_AUTH=dXNlcjp0b2tlbg==",
	"QUEUE_DIR=/tmp/otelcol-opptima-validate",
	"SERVICE_INSTANCE_ID=otelcol-opptima-0",
}

// fragments are examples added to another as a second --config.
var fragments = map[string]string{"loki-auth.yaml": "production.yaml"}

func TestEveryExampleValidates(t *testing.T) {
	bin := binary(t, "OTELCOL_BIN")
	examples, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(examples), 6)
	for _, example := range examples {
		t.Run(example, func(t *testing.T) {
			args := []string{"validate", "--config", example}
			if base, ok := fragments[example]; ok {
				args = []string{"validate", "--config", base, "--config", example}
			}
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), exampleEnv...)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s", out)
		})
	}
}

func TestExampleWithoutAPIKeyIsRefused(t *testing.T) {
	cmd := exec.Command(binary(t, "OTELCOL_BIN"), "validate", "--config", "bounce-rate.yaml")
	cmd.Env = append(os.Environ(), "OPPTIMA_API_KEY=")
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "api_keys[0] is empty: OPPTIMA_API_KEY, which the examples read it from (${env:OPPTIMA_API_KEY}), is not set")
}

// TestExamplesNeedTheirBackendKey: an example whose backend answers 401 or
// 403 without a key (the events then dropped after the receiver
// acknowledged them) refuses to start without it.
func TestExamplesNeedTheirBackendKey(t *testing.T) {
	for example, variable := range map[string]string{"datadog.yaml": "DD_API_KEY", "elastic.yaml": "ELASTIC_API_KEY"} {
		t.Run(example, func(t *testing.T) {
			cmd := exec.Command(binary(t, "OTELCOL_BIN"), "validate", "--config", example)
			cmd.Env = append(append(os.Environ(), exampleEnv...), variable+"=")
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "%s validates without %s", example, variable)
			assert.Contains(t, string(out), "environment variable "+variable+" is empty")
		})
	}
}

// TestAReplicaNeedsItsName: outside Kubernetes nothing names a replica
// (bash does not export HOSTNAME, systemd does not set it), and two
// replicas with no name would share one Loki stream. production.yaml and
// loki.yaml refuse to start without SERVICE_INSTANCE_ID and name it; a
// HOSTNAME in the environment is no substitute.
func TestAReplicaNeedsItsName(t *testing.T) {
	for _, example := range []string{"production.yaml", "loki.yaml"} {
		t.Run(example, func(t *testing.T) {
			cmd := exec.Command(binary(t, "OTELCOL_BIN"), "validate", "--config", example)
			cmd.Env = append(append(os.Environ(), exampleEnv...), "SERVICE_INSTANCE_ID=", "HOSTNAME=vm-1")
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "%s validates without SERVICE_INSTANCE_ID", example)
			assert.Contains(t, string(out), "environment variable SERVICE_INSTANCE_ID is empty, and the config requires it")

			var env []string
			for _, kv := range append(os.Environ(), exampleEnv...) {
				if !strings.HasPrefix(kv, "SERVICE_INSTANCE_ID=") {
					env = append(env, kv)
				}
			}
			cmd = exec.Command(binary(t, "OTELCOL_BIN"), "validate", "--config", example)
			cmd.Env = env
			out, err = cmd.CombinedOutput()
			require.Error(t, err)
			assert.Contains(t, string(out), "environment variable SERVICE_INSTANCE_ID is not set")
		})
	}
}

// TestProductionRunsAsANormalUser: with its defaults (no QUEUE_DIR),
// production.yaml starts as an unprivileged user in a directory of its own
// and creates its queue there.
func TestProductionRunsAsANormalUser(t *testing.T) {
	bin := binary(t, "OTELCOL_BIN")
	if os.Geteuid() != 0 {
		t.Skip("switching to an unprivileged user needs root")
	}
	const nobody = 65534
	dir := t.TempDir()
	require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755))
	require.NoError(t, os.Chown(dir, nobody, nobody))
	config, err := filepath.Abs("production.yaml")
	require.NoError(t, err)
	readable := filepath.Join(dir, "production.yaml")
	data, err := os.ReadFile(config)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(readable, data, 0o644))

	health, telemetry := freeAddr(t), freeAddr(t)
	_, telemetryPort, _ := strings.Cut(telemetry, ":")
	p := startProcessAs(t, bin, dir, nobody, []string{
		"OPPTIMA_API_KEY=" + testAPIKey, "LOKI_OTLP_ENDPOINT=http://127.0.0.1:1/otlp", "SERVICE_INSTANCE_ID=otelcol-opptima-0",
		"OPPTIMA_ENDPOINT=" + freeAddr(t), "HEALTH_ENDPOINT=" + health, "PROMETHEUS_ENDPOINT=" + freeAddr(t),
		"TELEMETRY_HOST=127.0.0.1", "TELEMETRY_PORT=" + telemetryPort,
	}, "--config", readable)
	p.waitHTTP(t, "http://"+health+"/")
	info, err := os.Stat(filepath.Join(dir, "otelcol-queue"))
	require.NoError(t, err, "the queue directory is created where the Collector runs")
	assert.True(t, info.IsDir())
}

// TestLocalQuickStart is the README's quick start on examples/local.yaml:
// the documented bounce is counted within a few seconds, the Collector's
// own metrics are served, and a refused webhook is logged with its status
// and reason.
func TestLocalQuickStart(t *testing.T) {
	metrics, telemetry := freeAddr(t), freeAddr(t)
	_, telemetryPort, _ := strings.Cut(telemetry, ":")
	col := startCollector(t, "local.yaml", map[string]string{
		"EVENTS_FILE": filepath.Join(t.TempDir(), "events.jsonl"), "PROMETHEUS_ENDPOINT": metrics, "TELEMETRY_PORT": telemetryPort,
	})
	require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")))
	eventually(t, 5*time.Second, func() error {
		got, err := scrapeCounters("http://" + metrics + "/metrics")
		if err != nil {
			return err
		}
		var total float64
		for _, n := range got {
			total += n
		}
		if total != 1 {
			return fmt.Errorf("opptima_events_total = %v, want 1 within a few seconds", got)
		}
		return nil
	})
	eventually(t, 10*time.Second, func() error {
		n, err := scrapeCounter("http://"+telemetry+"/metrics", "otelcol_receiver_accepted_log_records")
		if err != nil || n != 1 {
			return fmt.Errorf("otelcol_receiver_accepted_log_records = %d (%v)", n, err)
		}
		return nil
	})

	req, err := http.NewRequest(http.MethodPost, col.webhook, strings.NewReader(`{"event":"bounce"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer not-the-key")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	eventually(t, 5*time.Second, func() error {
		if out := col.output.String(); !strings.Contains(out, "Opptima webhook refused") || !strings.Contains(out, `"status": 401`) {
			return fmt.Errorf("no refusal in the Collector's log")
		}
		return nil
	})
	assert.NotContains(t, col.output.String(), "not-the-key", "a key never reaches the log")
}

// TestBounceRateCountersMatchWhatWasSent posts N bounces and M deliveries to
// examples/bounce-rate.yaml, all stamped with the same second, and reads
// exactly those counts from its Prometheus endpoint.
func TestBounceRateCountersMatchWhatWasSent(t *testing.T) {
	metricsAddr := freeAddr(t)
	col := startCollector(t, "bounce-rate.yaml", map[string]string{"PROMETHEUS_ENDPOINT": metricsAddr, "OPPTIMA_METRICS_INTERVAL": "1s"})

	const hardGmail, softHotmail, deliveredGmail = 7, 3, 25
	post := func(n int, event, status, response, to string) {
		var events []string
		for i := range n {
			events = append(events, fmt.Sprintf(
				`{"type":"SMTP","event":%q,"relid":%d,"to":%q,"timestamp":"2020-10-05 17:40:54","status":%q,"response":%q}`,
				event, i, to, status, response))
		}
		// Half one by one, half as one array: both paths count the same.
		half := n / 2
		for _, e := range events[:half] {
			require.Equal(t, http.StatusOK, col.post(t, []byte(e)))
		}
		require.Equal(t, http.StatusOK, col.post(t, []byte("["+strings.Join(events[half:], ",")+"]")))
	}
	post(hardGmail, "bounce", "Rebote duro", "550 5.1.1 unknown user", "a@gmail.com")
	post(softHotmail, "bounce", "Rebote suave", "452 4.2.2 mailbox full", "b@Hotmail.com")
	post(deliveredGmail, "delivered", "Entregado", "250 OK", "c@gmail.com")

	want := map[string]float64{
		`email_to_domain="gmail.com",opptima_bounce_category="invalid_address",opptima_bounce_reason="user_unknown",opptima_bounce_type="hard",opptima_event="bounce",opptima_type="smtp"`:       hardGmail,
		`email_to_domain="hotmail.com",opptima_bounce_category="mailbox_unavailable",opptima_bounce_reason="mailbox_full",opptima_bounce_type="soft",opptima_event="bounce",opptima_type="smtp"`: softHotmail,
		`email_to_domain="gmail.com",opptima_event="delivered",opptima_type="smtp"`:                                                                                                              deliveredGmail,
	}
	eventually(t, 30*time.Second, func() error {
		got, err := scrapeCounters("http://" + metricsAddr + "/metrics")
		if err != nil {
			return err
		}
		for labels, n := range want {
			if got[labels] != n {
				return fmt.Errorf("opptima_events_total{%s} = %v, want %v (all: %v)", labels, got[labels], n, got)
			}
		}
		if len(got) != len(want) {
			return fmt.Errorf("unexpected series: %v", got)
		}
		return nil
	})
}

// scrapeCounters reads opptima_events_total samples, keyed by the labels
// this receiver sets (sorted, as the exporter writes them).
func scrapeCounters(url string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, "opptima_events_total{") {
			continue
		}
		labelsEnd := strings.LastIndex(line, "}")
		value, err := strconv.ParseFloat(strings.TrimSpace(line[labelsEnd+1:]), 64)
		if err != nil {
			return nil, err
		}
		var ours []string
		for _, label := range strings.Split(line[len("opptima_events_total{"):labelsEnd], ",") {
			if strings.HasPrefix(label, "email_to_domain=") || strings.HasPrefix(label, "opptima_") {
				ours = append(ours, label)
			}
		}
		out[strings.Join(ours, ",")] += value
	}
	return out, nil
}
