// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
)

const testKey = "test-key-0123456789"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "testdata", "payloads", name))
	require.NoError(t, err)
	return body
}

func bearer(key string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + key, "Content-Type": "application/json"}
}

func TestAcceptsTheDocumentedBounce(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, nil).url

	a := send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer(testKey))
	require.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, map[string]any{"accepted": float64(1)}, a.body)

	require.Equal(t, 1, sink.LogRecordCount())
	rec := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.Equal(t, "opptima.smtp.bounce", rec.EventName())
	assert.Equal(t, "2020-10-05T22:40:54Z", rec.Timestamp().AsTime().Format("2006-01-02T15:04:05Z07:00"))
	assert.NotZero(t, rec.ObservedTimestamp())
}

func TestAcceptsAnArrayAsOneBatch(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, nil).url

	a := send(t, http.MethodPost, url, fixture(t, "array-of-events.json"), bearer(testKey))
	require.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, float64(3), a.body["accepted"])
	require.Len(t, sink.AllLogs(), 1, "one request, one ConsumeLogs call")
	assert.Equal(t, 3, sink.LogRecordCount())
}

func TestContentTypes(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, nil).url
	body := fixture(t, "smtp-bounce.json")

	for _, ct := range []string{"", "application/json", "application/json; charset=utf-8", "Application/JSON"} {
		a := send(t, http.MethodPost, url, body, map[string]string{"Authorization": "Bearer " + testKey, "Content-Type": ct})
		assert.Equal(t, http.StatusOK, a.status, "Content-Type %q", ct)
	}
	assert.Equal(t, 4, sink.LogRecordCount())

	sink.Reset()
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "application/jsonx", "multipart/form-data; boundary=x"} {
		a := send(t, http.MethodPost, url, body, map[string]string{"Authorization": "Bearer " + testKey, "Content-Type": ct})
		assert.Equal(t, http.StatusUnsupportedMediaType, a.status, "Content-Type %q", ct)
		assert.Contains(t, a.body["error"], "application/json")
	}
	assert.Zero(t, sink.LogRecordCount())
}

func TestAuthentication(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, func(cfg *Config) {
		cfg.APIKeys = []configopaque.String{testKey, "next-key-after-rotation"}
	}).url
	body := fixture(t, "smtp-bounce.json")

	accepted := map[string]string{
		"configured key":        "Bearer " + testKey,
		"second key (rotation)": "Bearer next-key-after-rotation",
		"scheme in lower case":  "bearer " + testKey,
		"scheme in upper case":  "BEARER " + testKey,
	}
	for name, header := range accepted {
		a := send(t, http.MethodPost, url, body, map[string]string{"Authorization": header})
		assert.Equal(t, http.StatusOK, a.status, name)
	}
	assert.Equal(t, len(accepted), sink.LogRecordCount())

	sink.Reset()
	rejected := map[string]string{
		"missing":        "",
		"wrong key":      "Bearer not-the-key",
		"empty key":      "Bearer ",
		"no scheme":      testKey,
		"basic scheme":   "Basic " + testKey,
		"key prefix":     "Bearer " + testKey[:len(testKey)-1],
		"key suffix":     "Bearer " + testKey + "x",
		"key in scheme":  "Bearer" + testKey,
		"token in token": "Bearer " + testKey + " " + testKey,
	}
	for name, header := range rejected {
		a := send(t, http.MethodPost, url, body, map[string]string{"Authorization": header})
		assert.Equal(t, http.StatusUnauthorized, a.status, name)
		assert.Equal(t, "Bearer", a.header.Get("WWW-Authenticate"), name)
		assert.Equal(t, unauthorized, a.body["error"], "the same answer whatever was wrong: %s", name)
	}

	// Two Authorization headers: ambiguous, so refused.
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Add("Authorization", "Bearer "+testKey)
	req.Header.Add("Authorization", "Bearer other")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// A key in the query string is not a credential.
	a := send(t, http.MethodPost, url+"?api_key="+testKey, body, nil)
	assert.Equal(t, http.StatusUnauthorized, a.status)

	assert.Zero(t, sink.LogRecordCount(), "nothing from a refused request reaches the pipeline")
}

func TestMethodsAndPaths(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, nil).url
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch} {
		a := send(t, method, url, fixture(t, "smtp-bounce.json"), bearer(testKey))
		assert.Equal(t, http.StatusMethodNotAllowed, a.status, method)
		assert.Equal(t, "POST", a.header.Get("Allow"), method)
	}
	a := send(t, http.MethodPost, strings.TrimSuffix(url, "/opptima")+"/elsewhere", fixture(t, "smtp-bounce.json"), bearer(testKey))
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.Zero(t, sink.LogRecordCount())
}

func TestBadBodiesAreRefusedWhole(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, nil).url
	tests := map[string]string{
		"empty":                     "",
		"invalid JSON":              `{"type": "SMTP", "event": `,
		"a number":                  `42`,
		"one bad element of three":  `[{"type":"SMTP","event":"bounce"}, "oops", {"type":"SMTP","event":"bounce"}]`,
		"one element without event": `[{"type":"SMTP","event":"bounce"}, {"type":"SMTP"}]`,
	}
	for name, body := range tests {
		a := send(t, http.MethodPost, url, []byte(body), bearer(testKey))
		assert.Equal(t, http.StatusBadRequest, a.status, name)
		assert.NotEmpty(t, a.body["error"], name)
	}
	assert.Zero(t, sink.LogRecordCount(), "all or nothing: no element of a refused request is passed on")
}

func TestBodyLimit(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, func(cfg *Config) { cfg.MaxRequestBodySize = 1024 }).url

	big := `{"type":"SMTP","event":"bounce","subject":"` + strings.Repeat("x", 2048) + `"}`
	a := send(t, http.MethodPost, url, []byte(big), bearer(testKey))
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)

	// A small gzip body that inflates past the limit is refused too.
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, err := zw.Write([]byte(big))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.Less(t, zipped.Len(), 1024)
	headers := bearer(testKey)
	headers["Content-Encoding"] = "gzip"
	a = send(t, http.MethodPost, url, zipped.Bytes(), headers)
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	assert.Zero(t, sink.LogRecordCount())
}

func TestCompressedBody(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, nil).url
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, err := zw.Write(fixture(t, "smtp-bounce.json"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	headers := bearer(testKey)
	headers["Content-Encoding"] = "gzip"
	a := send(t, http.MethodPost, url, zipped.Bytes(), headers)
	assert.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, 1, sink.LogRecordCount())
}

func TestPipelineErrors(t *testing.T) {
	t.Run("retryable is 503 with Retry-After", func(t *testing.T) {
		url := startReceiver(t, pipelines{logs: consumertest.NewErr(errors.New("sending queue is full"))}, nil).url
		a := send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer(testKey))
		assert.Equal(t, http.StatusServiceUnavailable, a.status)
		assert.Equal(t, "5", a.header.Get("Retry-After"))
		assert.Contains(t, a.body["error"], "sending queue is full")
	})
	t.Run("permanent is 400", func(t *testing.T) {
		url := startReceiver(t, pipelines{logs: consumertest.NewErr(consumererror.NewPermanent(errors.New("cannot be exported")))}, nil).url
		a := send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer(testKey))
		assert.Equal(t, http.StatusBadRequest, a.status)
		assert.Empty(t, a.header.Get("Retry-After"))
	})
}

func TestRawPayloadOption(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, func(cfg *Config) { cfg.RawPayload = true }).url
	body := fixture(t, "smtp-bounce.json")
	require.Equal(t, http.StatusOK, send(t, http.MethodPost, url, body, bearer(testKey)).status)
	original, ok := firstRecord(t, sink).Attributes().Get("log.record.original")
	require.True(t, ok)
	assert.JSONEq(t, string(body), original.Str())
}

func TestCustomPathAndTimezone(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, func(cfg *Config) {
		cfg.Path = "/hooks/opptima"
		cfg.Timezone = "UTC"
	}).url
	require.True(t, strings.HasSuffix(url, "/hooks/opptima"))
	require.Equal(t, http.StatusOK, send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer(testKey)).status)
	assert.Equal(t, "2020-10-05T17:40:54Z", firstRecord(t, sink).Timestamp().AsTime().Format("2006-01-02T15:04:05Z07:00"))
}

// TestPathIsMatchedExactly: the configured path is not a pattern. A
// trailing slash serves that path only, and characters that mean something
// to http.ServeMux ("{", a space) are just characters.
func TestPathIsMatchedExactly(t *testing.T) {
	for _, path := range []string{"/hooks/", "/hooks/{tenant}", "/a b"} {
		t.Run(path, func(t *testing.T) {
			sink := new(consumertest.LogsSink)
			url := startReceiver(t, pipelines{logs: sink}, func(cfg *Config) { cfg.Path = path }).url
			root := strings.TrimSuffix(url, path)

			exact := strings.ReplaceAll(path, " ", "%20")
			assert.Equal(t, http.StatusOK, send(t, http.MethodPost, root+exact, fixture(t, "smtp-bounce.json"), bearer(testKey)).status)
			assert.Equal(t, http.StatusNotFound, send(t, http.MethodPost, root+"/hooks/other", fixture(t, "smtp-bounce.json"), bearer(testKey)).status)
			assert.Equal(t, 1, sink.LogRecordCount())
		})
	}
}

func firstRecord(t *testing.T, sink *consumertest.LogsSink) plog.LogRecord {
	t.Helper()
	require.NotEmpty(t, sink.AllLogs())
	return sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
}
