// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer/consumertest"
)

// TestAccountsNameTheirRecordsAndCounters: each account's keys (both keys
// of one being rotated) put its name on the request's resource and on the
// counters; a key of api_keys puts none; a wrong key gets 401 and nothing
// reaches the pipeline or the counters.
func TestAccountsNameTheirRecordsAndCounters(t *testing.T) {
	logs := new(consumertest.LogsSink)
	srv := startReceiver(t, pipelines{logs: logs, metrics: true}, func(cfg *Config) {
		cfg.APIKeys = []configopaque.String{testKey}
		cfg.Accounts = []AccountConfig{
			{Name: "tienda-co", APIKeys: []configopaque.String{"key-co"}},
			{Name: "tienda-mx", APIKeys: []configopaque.String{"key-mx-old", "key-mx-new"}},
		}
	})
	bounce := []byte(eventJSON("bounce", "gmail.com", "2020-10-05 17:40:54"))
	for _, key := range []string{"key-co", "key-mx-old", "key-mx-new", testKey} {
		require.Equal(t, http.StatusOK, send(t, http.MethodPost, srv.url, bounce, bearer(key)).status, key)
	}
	require.Equal(t, http.StatusUnauthorized, send(t, http.MethodPost, srv.url, bounce, bearer("key-co2")).status)
	require.Equal(t, http.StatusUnauthorized, send(t, http.MethodPost, srv.url, bounce, bearer("tienda-co")).status, "an account's name is not a key")

	var accounts []string
	for _, l := range logs.AllLogs() {
		account, ok := l.ResourceLogs().At(0).Resource().Attributes().Get("opptima.account")
		if ok {
			accounts = append(accounts, account.Str())
		} else {
			accounts = append(accounts, "(none)")
		}
	}
	assert.Equal(t, []string{"tienda-co", "tienda-mx", "tienda-mx", "(none)"}, accounts, "nothing reached the pipeline for the wrong keys")

	srv.shutdown()
	assert.Equal(t, int64(4), lastTotal(t, srv.metrics, nil))
	assert.Equal(t, int64(1), lastTotal(t, srv.metrics, map[string]string{"opptima.account": "tienda-co"}))
	assert.Equal(t, int64(2), lastTotal(t, srv.metrics, map[string]string{"opptima.account": "tienda-mx"}))
}

// TestNoAccountsNoAccountAttribute: a configuration without accounts
// produces the records it always did.
func TestNoAccountsNoAccountAttribute(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, nil).url
	require.Equal(t, http.StatusOK, send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), bearer(testKey)).status)
	attrs := sink.AllLogs()[0].ResourceLogs().At(0).Resource().Attributes()
	assert.Equal(t, map[string]any{"service.name": "opptima"}, attrs.AsRaw())
}

// TestEveryKeyIsComparedOnEveryRequest: whichever key a request carries
// (the first, the last, an account's, none that is configured), every
// configured key is compared, in constant time, so that neither whether a
// key matched nor which one shows in the timing. An early exit would make
// fewer comparisons for a key near the front.
func TestEveryKeyIsComparedOnEveryRequest(t *testing.T) {
	var compared atomic.Int64
	compareDigests = func(x, y []byte) int {
		compared.Add(1)
		return subtle.ConstantTimeCompare(x, y)
	}
	t.Cleanup(func() { compareDigests = subtle.ConstantTimeCompare })
	url := startReceiver(t, pipelines{logs: consumertest.NewNop()}, func(cfg *Config) {
		cfg.APIKeys = []configopaque.String{"first-key-0001", "second-key-0002"}
		cfg.Accounts = []AccountConfig{{Name: "tienda", APIKeys: []configopaque.String{"account-key-0003", "last-key-0004"}}}
	}).url
	for key, want := range map[string]int{"first-key-0001": 200, "last-key-0004": 200, "account-key-0003": 200, "not-a-key": 401} {
		compared.Store(0)
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"event":"bounce"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, want, resp.StatusCode, key)
		assert.Equal(t, int64(4), compared.Load(), "every configured key compared for %s", key)
	}
}

// TestAPayloadFieldCannotPassForTheAccount: an event's own "account" field
// is kept under another name, never as opptima.account, and the counters
// read the account from the key alone, so a sender cannot pick an account
// nor grow the series with one of its own.
func TestAPayloadFieldCannotPassForTheAccount(t *testing.T) {
	logs := new(consumertest.LogsSink)
	srv := startReceiver(t, pipelines{logs: logs, metrics: true}, func(cfg *Config) {
		cfg.APIKeys = []configopaque.String{testKey}
		cfg.Accounts = []AccountConfig{{Name: "tienda-co", APIKeys: []configopaque.String{"key-co"}}}
	})
	for i, key := range []string{"key-co", testKey} {
		body := fmt.Sprintf(`{"type":"SMTP","event":"bounce","to":"x@gmail.com","account":"sender-%d"}`, i)
		require.Equal(t, http.StatusOK, send(t, http.MethodPost, srv.url, []byte(body), bearer(key)).status)
	}
	for i, l := range logs.AllLogs() {
		attrs := l.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
		_, onRecord := attrs.Get("opptima.account")
		assert.False(t, onRecord, "the field does not take the account's name")
		kept, ok := attrs.Get("opptima.account_2")
		require.True(t, ok, "the field is kept")
		assert.Equal(t, fmt.Sprintf("sender-%d", i), kept.Str())
	}

	srv.shutdown()
	assert.Equal(t, int64(2), lastTotal(t, srv.metrics, nil))
	assert.Equal(t, int64(1), lastTotal(t, srv.metrics, map[string]string{"opptima.account": "tienda-co"}))
	assert.Equal(t, int64(0), lastTotal(t, srv.metrics, map[string]string{"opptima.account": "sender-0"}))
	assert.Equal(t, int64(0), lastTotal(t, srv.metrics, map[string]string{"opptima.account": "sender-1"}))
}
