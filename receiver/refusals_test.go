// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestEveryRefusalIsLogged sends each kind of bad webhook through the real
// server: each answer other than 200 leaves a warn line with its status and
// reason, and no line carries a key, the right one or a wrong one.
func TestEveryRefusalIsLogged(t *testing.T) {
	recv := startReceiver(t, pipelines{logs: consumertest.NewNop()}, nil)
	url, logs := recv.url, recv.logs
	const wrongKey = "wrong-key-5cbe1d0f"
	cases := []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		body    string
		status  int
		reason  string
	}{
		{"no key", "POST", "", nil, goodEvent, 401, "no Authorization header"},
		{"wrong key", "POST", "", map[string]string{"Authorization": "Bearer " + wrongKey}, goodEvent, 401, "not one of the configured keys"},
		{"basic auth", "POST", "", map[string]string{"Authorization": "Basic " + wrongKey}, goodEvent, 401, "not a Bearer token"},
		{"not JSON", "POST", "", nil, "nonsense", 400, "not JSON"},
		{"form", "POST", "", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "type=SMTP&event=bounce", 415, "form-encoded"},
		{"too large", "POST", "", nil, strings.Repeat(" ", 2<<20), 413, "max_request_body_size"},
		{"trailing slash", "POST", "/", nil, goodEvent, 404, "served at POST /opptima"},
		{"GET", "GET", "", nil, "", 405, "only POST"},
	}
	for _, c := range cases {
		req, err := http.NewRequest(c.method, url+c.path, strings.NewReader(c.body))
		require.NoError(t, err)
		if c.status != 401 {
			req.Header.Set("Authorization", "Bearer "+testKey)
		}
		for k, v := range c.headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, c.status, resp.StatusCode, c.name)
	}
	status, err := send(t, http.MethodPost, url, []byte(goodEvent), bearer(testKey)).result()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)

	refusals := logs.FilterMessage("Opptima webhook refused").All()
	require.Len(t, refusals, len(cases), "one line per refusal, none for the 200")
	for i, entry := range refusals {
		fields := entry.ContextMap()
		assert.Equal(t, zapcore.WarnLevel, entry.Level)
		assert.EqualValues(t, cases[i].status, fields["status"], cases[i].name)
		assert.Contains(t, fields["reason"], cases[i].reason, cases[i].name)
		assert.NotEmpty(t, fields["remote"])
	}
	for _, entry := range logs.All() {
		line := entry.Message + " " + fmt.Sprint(entry.ContextMap())
		assert.NotContains(t, line, testKey)
		assert.NotContains(t, line, wrongKey)
	}
}

// TestAFloodOfRefusalsIsThrottled: 500 bad requests at once write at most
// warnBurst lines; the next window's first line says how many were left
// out.
func TestAFloodOfRefusalsIsThrottled(t *testing.T) {
	recv := startReceiver(t, pipelines{logs: consumertest.NewNop()}, nil)
	url, logs := recv.url, recv.logs
	for range 500 {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(goodEvent))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	}
	assert.LessOrEqual(t, logs.FilterMessage("Opptima webhook refused").Len(), warnBurst)

	core, observed := observer.New(zapcore.InfoLevel)
	clock := time.Date(2026, 11, 29, 5, 0, 0, 0, time.UTC)
	w := newThrottledWarnings(zap.New(core))
	w.now = func() time.Time { return clock }
	for range 1000 {
		w.warn("x")
	}
	assert.Equal(t, warnBurst, observed.Len())
	clock = clock.Add(warnWindow + time.Second)
	w.warn("x")
	require.Equal(t, warnBurst+1, observed.Len())
	assert.EqualValues(t, 1000-warnBurst, observed.All()[warnBurst].ContextMap()["suppressed_before"])
	w.warn("x")
	assert.NotContains(t, observed.All()[warnBurst+1].ContextMap(), "suppressed_before", "counted once")
}

// TestUnreadableTimeIsTakenAndLogged: an event whose time cannot be read is
// answered 200, stamped with its arrival, and a warning names the field, the
// value and the event (relid, msgid, uid). Its warnings have a budget of
// their own: a flood of them hides no refusal.
func TestUnreadableTimeIsTakenAndLogged(t *testing.T) {
	sink := new(consumertest.LogsSink)
	recv := startReceiver(t, pipelines{logs: sink}, nil)
	url, logs := recv.url, recv.logs
	before := time.Now()
	status, err := send(t, http.MethodPost, url, []byte(`{"type":"SMTP","event":"bounce","relid":123,"msgid":"a1b2","timestamp":"05/10/2020 5:40 PM"}`), bearer(testKey)).result()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	rec := sink.AllLogs()[0].ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	assert.WithinDuration(t, before, rec.Timestamp().AsTime(), time.Minute, "the arrival time")
	warnings := logs.FilterMessageSnippet("event time could not be read").All()
	require.Len(t, warnings, 1)
	assert.Equal(t, "timestamp", warnings[0].ContextMap()["field"])
	assert.Equal(t, "05/10/2020 5:40 PM", warnings[0].ContextMap()["value"])
	assert.Equal(t, "123", warnings[0].ContextMap()["relid"])
	assert.Equal(t, "a1b2", warnings[0].ContextMap()["msgid"])
	uid, _ := rec.Attributes().Get("log.record.uid")
	assert.Equal(t, uid.Str(), warnings[0].ContextMap()["uid"])

	for i := range 3 * warnBurst { // Opptima changed its time format
		body := fmt.Sprintf(`{"type":"SMTP","event":"bounce","relid":%d,"timestamp":"yesterday"}`, i)
		require.Equal(t, http.StatusOK, send(t, http.MethodPost, url, []byte(body), bearer(testKey)).status)
	}
	require.Equal(t, http.StatusUnauthorized, send(t, http.MethodPost, url, []byte(goodEvent), bearer("rotated-key")).status)
	assert.Len(t, logs.FilterMessage("Opptima webhook refused").All(), 1, "the refusal is logged, whatever the time warnings spent")
}
