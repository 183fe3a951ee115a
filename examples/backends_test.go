package examples

import (
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"
)

// The contract tests run each vendor example in the built Collector against
// a local server that records what it is sent, and check what the vendor
// documents: the path, the headers, protobuf OTLP, every attribute of the
// documented bounce and the resource attributes the example sets. Real
// accounts cannot be reached from here.

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
		if len(records) < 2 {
			return fmt.Errorf("%d records reached Loki, want 2", len(records))
		}
		return nil
	})

	for _, rec := range records {
		eventTime, ok := rec.Attributes().Get("opptima.event_time")
		require.True(t, ok, "the event time is kept")
		assert.WithinDuration(t, sent, rec.Timestamp().AsTime(), time.Minute, "the record time is the arrival time")
		assert.Equal(t, rec.ObservedTimestamp(), rec.Timestamp())
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
	cmd.Env = append(os.Environ(), "OPPTIMA_API_KEY=k", "LOKI_OTLP_ENDPOINT=http://127.0.0.1:3100/otlp", "LOKI_BASIC_AUTH=")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Contains(t, string(out), "bearertokenauth/loki")
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
			col := startCollector(t, "loki.yaml", map[string]string{"LOKI_OTLP_ENDPOINT": backend.url + "/otlp"})
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
