package examples

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKeysFromEnvAndFileNeverLeak runs the built Collector with one key from
// ${env:…} and one from ${file:…} (two live keys, as during a rotation),
// logs at debug level and detailed internal metrics, then looks for either
// key in everything the Collector said.
func TestKeysFromEnvAndFileNeverLeak(t *testing.T) {
	const fileKey = "file-key-9d2b7f41"
	keyFile := filepath.Join(t.TempDir(), "opptima.key")
	require.NoError(t, os.WriteFile(keyFile, []byte(fileKey+"\n"), 0o600))
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
`), 0o600))
	col := startCollector(t, config, nil)

	require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")), "the env key works")
	for _, key := range []string{fileKey, "wrong-" + testAPIKey, testAPIKey + "x"} {
		req, err := http.NewRequest(http.MethodPost, col.webhook, strings.NewReader(string(payload(t, "smtp-bounce.json"))))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		if key == fileKey {
			assert.Equal(t, http.StatusOK, resp.StatusCode, "the file key works, its newline dropped")
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

	output := col.output.String()
	require.Contains(t, output, "Opptima webhook listening", "the Collector's logs were captured")
	for _, key := range []string{testAPIKey, fileKey} {
		assert.NotContains(t, output, key, "a key in the Collector's logs")
		assert.NotContains(t, string(telemetry), key, "a key in internal telemetry")
	}
}
