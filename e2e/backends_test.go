// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
)

// The contract tests run each vendor example in the built Collector against
// a local server that records what it is sent, and check what the vendor
// documents: the path, the headers, protobuf OTLP, every attribute of the
// documented bounce and the resource attributes the example sets. Real
// accounts cannot be reached from here.

// TestLokiContract: examples/loki.yaml pushes protobuf OTLP to
// <loki>/otlp/v1/logs with the tenant header and basic auth from env, the
// environment as a resource attribute, and the arrival time as the record
// time with Opptima's event time kept, also for an event two hours late.
func TestLokiContract(t *testing.T) {
	backend := startRecordingBackend(t)
	col := startCollector(t, "loki.yaml", map[string]string{
		"LOKI_OTLP_ENDPOINT": backend.url + "/otlp", "LOKI_TENANT": "tenant-7", "DEPLOYMENT_ENV": "staging",
		"SERVICE_INSTANCE_ID": "otelcol-opptima-1",
	})
	sent := time.Now()
	require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")))
	twoHoursAgo := sent.Add(-2 * time.Hour).UTC().Truncate(time.Second)
	late := fmt.Sprintf(`{"type":"SMTP","event":"bounce","to":"a@gmail.com","timestamp":%q,"status":"Rebote duro","response":"550 5.1.1 user unknown"}`,
		twoHoursAgo.In(time.FixedZone("COT", -5*3600)).Format(time.DateTime))
	require.Equal(t, http.StatusOK, col.post(t, []byte(late)))
	// No readable time: the record's time is its arrival, and it has no
	// event time to keep.
	require.Equal(t, http.StatusOK, col.post(t, []byte(`{"type":"SMTP","event":"bounce","to":"b@gmail.com","timestamp":"yesterday"}`)))

	var records []plog.LogRecord
	eventually(t, 30*time.Second, func() error {
		records = records[:0]
		for _, req := range backend.received() {
			assert.Equal(t, "/otlp/v1/logs", req.path)
			assert.Equal(t, "tenant-7", req.header.Get("X-Scope-OrgID"))
			assert.NotContains(t, req.header, "Authorization", "no credentials configured, none sent")
			for _, rl := range req.logs.ResourceLogs().All() {
				assert.Equal(t, map[string]any{"service.name": "opptima", "deployment.environment.name": "staging", "service.instance.id": "otelcol-opptima-1"},
					rl.Resource().Attributes().AsRaw(), "one stream per replica")
				for _, sl := range rl.ScopeLogs().All() {
					for _, rec := range sl.LogRecords().All() {
						records = append(records, rec)
					}
				}
			}
		}
		if len(records) < 3 {
			return fmt.Errorf("%d records reached Loki, want 3", len(records))
		}
		return nil
	})

	for _, rec := range records {
		assert.WithinDuration(t, sent, rec.Timestamp().AsTime(), time.Minute, "the record time is the arrival time")
		assert.Equal(t, rec.ObservedTimestamp(), rec.Timestamp())
		eventTime, ok := rec.Attributes().Get("opptima.event_time")
		if to, _ := rec.Attributes().Get("email.to.address"); to.Str() == "b@gmail.com" {
			assert.False(t, ok, "an unreadable time gives no event time")
			continue
		}
		require.True(t, ok, "the event time is kept")
		if uid, _ := rec.Attributes().Get("log.record.uid"); uid.Str() == "6f96f98dbd3c0fd1844e5f0d908328a6" {
			assert.Equal(t, "2020-10-05T22:40:54Z", eventTime.Str(), "the documented bounce")
			want := documentedBounce(t)
			for k, v := range want.Attributes().All() {
				got, _ := rec.Attributes().Get(k)
				assert.Equal(t, v.AsRaw(), got.AsRaw(), "attribute %s", k)
			}
		} else {
			assert.Equal(t, twoHoursAgo.Format(time.RFC3339), eventTime.Str(), "the late event keeps its event time")
		}
	}
}

// TestProductionLokiCredentials: production.yaml alone sends no
// Authorization header (a Loki without a gateway needs none); with
// loki-auth.yaml as a second --config it sends basic auth, and without
// LOKI_BASIC_AUTH it refuses to start.
func TestProductionLokiCredentials(t *testing.T) {
	basicAuth := base64.StdEncoding.EncodeToString([]byte("812345:glc_token"))
	for name, extra := range map[string][]string{"alone": nil, "with loki-auth.yaml": {"--config", "loki-auth.yaml"}} {
		t.Run(name, func(t *testing.T) {
			backend := startRecordingBackend(t)
			env := productionEnv(t, "", t.TempDir(), map[string]string{"LOKI_OTLP_ENDPOINT": backend.url + "/otlp", "LOKI_BASIC_AUTH": basicAuth})
			col := startCollectorOn(t, "production.yaml", freeAddr(t), freeAddr(t), env, extra...)
			require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")))
			req := backend.waitForRequests(t, 1)[0]
			assert.Equal(t, "/otlp/v1/logs", req.path)
			assert.Equal(t, "opptima", req.header.Get("X-Scope-OrgID"))
			if extra == nil {
				assert.NotContains(t, req.header, "Authorization", "no credentials, no header")
			} else {
				assert.Equal(t, "Basic "+basicAuth, req.header.Get("Authorization"))
			}
		})
	}
	cmd := exec.Command(binary(t, "OTELCOL_BIN"), "validate", "--config", "production.yaml", "--config", "loki-auth.yaml")
	cmd.Env = append(os.Environ(), "OPPTIMA_API_KEY=k", "LOKI_OTLP_ENDPOINT=http://127.0.0.1:3100/otlp", "SERVICE_INSTANCE_ID=otelcol-opptima-0", "LOKI_BASIC_AUTH=")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Contains(t, string(out), "environment variable LOKI_BASIC_AUTH is empty", "the error names the variable")
}

// TestElasticContract: examples/elastic.yaml posts protobuf OTLP to
// <endpoint>/v1/logs with "Authorization: ApiKey <key>" and routes to the
// opptima data stream, or the one ELASTIC_DATASET names.
func TestElasticContract(t *testing.T) {
	for dataset, env := range map[string]map[string]string{
		"opptima": {},
		"bounces": {"ELASTIC_DATASET": "bounces"},
	} {
		t.Run(dataset, func(t *testing.T) {
			backend := startRecordingBackend(t)
			env["ELASTIC_OTLP_ENDPOINT"], env["ELASTIC_API_KEY"] = backend.url, "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
			col := startCollector(t, "elastic.yaml", env)
			require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")))
			req := backend.waitForRequests(t, 1)[0]
			assert.Equal(t, "/v1/logs", req.path)
			assert.Equal(t, "ApiKey "+env["ELASTIC_API_KEY"], req.header.Get("Authorization"))
			assertCarriesTheBounce(t, req, map[string]any{"service.name": "opptima", "data_stream.dataset": dataset})
		})
	}
}

// TestDatadogContract: the intake gets protobuf OTLP at exactly /v1/logs
// (not /v1/logs/v1/logs) with dd-api-key; the Agent variant gets it at
// <agent>/v1/logs without a key. An event older than Datadog's 18-hour
// limit arrives with the arrival time and its own time kept; a recent one
// keeps its time.
func TestDatadogContract(t *testing.T) {
	t.Run("intake", func(t *testing.T) {
		backend := startRecordingBackend(t)
		col := startCollector(t, "datadog.yaml", map[string]string{"DD_OTLP_LOGS_URL": backend.url + "/v1/logs", "DD_API_KEY": "dd-key-0af3"})
		sent := time.Now()
		require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")))
		req := backend.waitForRequests(t, 1)[0]
		assert.Equal(t, "/v1/logs", req.path)
		assert.Equal(t, "dd-key-0af3", req.header.Get("dd-api-key"))
		assert.Equal(t, "otlp", req.header.Get("dd-protocol"))
		rec := assertCarriesTheBounce(t, req, map[string]any{"service.name": "opptima"})
		assert.WithinDuration(t, sent, rec.Timestamp().AsTime(), time.Minute, "the 2020 bounce is stamped with its arrival")
		eventTime, _ := rec.Attributes().Get("opptima.event_time")
		assert.Equal(t, "2020-10-05T22:40:54Z", eventTime.Str(), "and keeps its own time")

		hoursAgo := sent.Add(-3 * time.Hour).UTC().Truncate(time.Second)
		recent := fmt.Sprintf(`{"type":"SMTP","event":"bounce","to":"a@gmail.com","timestamp":%q,"status":"Rebote duro","response":"550 5.1.1 user unknown"}`,
			hoursAgo.In(time.FixedZone("COT", -5*3600)).Format(time.DateTime))
		require.Equal(t, http.StatusOK, col.post(t, []byte(recent)))
		rec = backend.waitForRequests(t, 2)[1].logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
		assert.Equal(t, hoursAgo, rec.Timestamp().AsTime().UTC(), "an event within the limit keeps its true time")
		_, retimed := rec.Attributes().Get("opptima.event_time")
		assert.False(t, retimed)
	})
	t.Run("agent", func(t *testing.T) {
		backend := startRecordingBackend(t)
		col := startCollector(t, "datadog-agent.yaml", map[string]string{"DD_AGENT_OTLP_ENDPOINT": backend.url})
		require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")))
		req := backend.waitForRequests(t, 1)[0]
		assert.Equal(t, "/v1/logs", req.path)
		assert.Empty(t, req.header.Get("dd-api-key"), "the Agent adds the key")
		assertCarriesTheBounce(t, req, map[string]any{"service.name": "opptima"})
	})
}

// TestWhatTheExporterRetries makes the README's statements about drops
// tested facts: otlp_http does not retry a 400 (the acknowledged events
// are dropped) but does retry 429 and 503.
func TestWhatTheExporterRetries(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			backend := startRecordingBackend(t, status)
			col := startCollector(t, "loki.yaml", map[string]string{"LOKI_OTLP_ENDPOINT": backend.url + "/otlp", "SERVICE_INSTANCE_ID": "otelcol-opptima-0"})
			require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")), "acknowledged before the backend answers")
			backend.waitForRequests(t, 1)
			retried := status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
			if retried {
				backend.waitForRequests(t, 2)
				return
			}
			time.Sleep(4 * time.Second) // longer than the retry's first back-off and Retry-After
			assert.Len(t, backend.received(), 1, "a %d is not retried: the events are dropped", status)
		})
	}
}
