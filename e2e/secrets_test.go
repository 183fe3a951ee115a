// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeysFromEnvAndFileNeverLeak runs the built Collector with one key from
// ${env:…} and one from ${file:…} (two live keys, as during a rotation),
// and two accounts whose keys come the same two ways, logs at debug level,
// detailed internal metrics and the counters, then looks for any key in
// everything the Collector said.
func TestKeysFromEnvAndFileNeverLeak(t *testing.T) {
	const fileKey, accountEnvKey, accountFileKey = "file-key-9d2b7f41", "account-env-key-41c7", "account-file-key-7e02"
	keyFile := filepath.Join(t.TempDir(), "opptima.key")
	require.NoError(t, os.WriteFile(keyFile, []byte(fileKey+"\n"), 0o600))
	accountKeyFile := filepath.Join(t.TempDir(), "account.key")
	require.NoError(t, os.WriteFile(accountKeyFile, []byte(accountFileKey+"\n"), 0o600))
	metricsAddr := freeAddr(t)
	host, port, _ := strings.Cut(metricsAddr, ":")

	// Written out in full: this test is about the receiver's keys and the
	// telemetry settings, the two parts writeConfig fixes.
	config := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(config, []byte(`
receivers:
  opptima:
    endpoint: ${env:OPPTIMA_ENDPOINT}
    api_keys: ["${env:OPPTIMA_API_KEY}", "${file:`+keyFile+`}"]
    accounts:
      - name: tienda-co
        api_keys: ["${env:OPPTIMA_ACCOUNT_KEY}"]
      - name: tienda-mx
        api_keys: ["${file:`+accountKeyFile+`}"]
    metrics:
      interval: 100ms
exporters:
  debug:
    verbosity: detailed
extensions:
  health_check:
    endpoint: ${env:HEALTH_ENDPOINT}
service:
  extensions: [health_check]
  telemetry:
    logs:
      level: debug
    metrics:
      level: detailed
      readers:
        - pull:
            exporter:
              prometheus:
                host: `+host+`
                port: `+port+`
  pipelines:
    logs: {receivers: [opptima], exporters: [debug]}
    metrics: {receivers: [opptima], exporters: [debug]}
`), 0o600))
	col := startCollector(t, config, map[string]string{"OPPTIMA_ACCOUNT_KEY": accountEnvKey})

	require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")), "the env key works")
	for _, key := range []string{fileKey, accountEnvKey, accountFileKey, "wrong-" + testAPIKey, testAPIKey + "x", accountEnvKey + "x"} {
		req, err := http.NewRequest(http.MethodPost, col.webhook, strings.NewReader(string(payload(t, "smtp-bounce.json"))))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		if key == fileKey || key == accountEnvKey || key == accountFileKey {
			assert.Equal(t, http.StatusOK, resp.StatusCode, "the file keys work, their newline dropped")
		} else {
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		}
	}

	resp, err := http.Get("http://" + metricsAddr + "/metrics")
	require.NoError(t, err)
	telemetry, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Contains(t, string(telemetry), "otelcol_receiver_accepted_log_records", "internal telemetry is on")

	// The counters, with their accounts, reach the debug exporter.
	eventually(t, 10*time.Second, func() error {
		if out := col.output.String(); !strings.Contains(out, "opptima.account: Str(tienda-mx)") || !strings.Contains(out, "opptima.events") {
			return errors.New("no account on the records and counters yet")
		}
		return nil
	})
	output := col.output.String()
	require.Contains(t, output, "Opptima webhook listening", "the Collector's logs were captured")
	for _, key := range []string{testAPIKey, fileKey, accountEnvKey, accountFileKey} {
		assert.NotContains(t, output, key, "a key in the Collector's logs")
		assert.NotContains(t, string(telemetry), key, "a key in internal telemetry")
	}
}
