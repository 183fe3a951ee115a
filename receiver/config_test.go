// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"

	"github.com/opptimaotel/opptimareceiver/internal/counters"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

func loadConfig(t *testing.T, name string) (*Config, error) {
	t.Helper()
	cm, err := confmaptest.LoadConf(filepath.Join("..", "testdata", "config.yaml"))
	require.NoError(t, err)
	sub, err := cm.Sub(component.NewIDWithName(metadata.Type, name).String())
	require.NoError(t, err)
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	require.NoError(t, sub.Unmarshal(cfg))
	return cfg, confmap.Validate(cfg)
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(t, "")
	require.NoError(t, err)
	assert.Equal(t, "localhost:8080", cfg.NetAddr.Endpoint)
	assert.Equal(t, "/opptima", cfg.Path)
	assert.Equal(t, "America/Bogota", cfg.Timezone)
	assert.False(t, cfg.RawPayload)
	assert.Equal(t, []configopaque.String{"only-key"}, cfg.APIKeys)
	assert.Equal(t, 30*time.Second, cfg.WriteTimeout, "confighttp's default")
	assert.Equal(t, 10*time.Second, cfg.ReadHeaderTimeout, "ours: slow clients are cut")
	assert.Equal(t, 30*time.Second, cfg.ReadTimeout, "ours: slow clients are cut")
	assert.Equal(t, int64(1<<20), cfg.MaxRequestBodySize, "ours: bounds the memory of one request")
	assert.Equal(t, 10*time.Second, cfg.Metrics.Interval)
	assert.Equal(t, int64(8<<20), cfg.maxInFlightBytes(), "8 bodies of the largest size")
	assert.Equal(t, counters.DefaultDomains, cfg.Metrics.Domains)
	assert.Len(t, cfg.Metrics.Domains, 20)
	assert.True(t, cfg.Metrics.OpptimaEvents.Enabled)
}

// TestConfigTurnsTheCounterOff: the switch receiver/documentation.md
// describes is read from metrics, beside interval and domains.
func TestConfigTurnsTheCounterOff(t *testing.T) {
	cfg, err := loadConfig(t, "counter_off")
	require.NoError(t, err)
	assert.False(t, cfg.Metrics.OpptimaEvents.Enabled)
	assert.Equal(t, 10*time.Second, cfg.Metrics.Interval, "the rest keeps its default")
}

func TestConfigEveryOption(t *testing.T) {
	cfg, err := loadConfig(t, "all")
	require.NoError(t, err)
	assert.Equal(t, "0.0.0.0:9443", cfg.NetAddr.Endpoint)
	assert.Equal(t, "/hooks/opptima", cfg.Path)
	assert.Equal(t, []configopaque.String{"old-key", "new-key"}, cfg.APIKeys)
	assert.Equal(t, "America/Lima", cfg.Timezone)
	assert.True(t, cfg.RawPayload)
	assert.Equal(t, int64(4194304), cfg.MaxRequestBodySize)
	assert.Equal(t, 10*time.Second, cfg.ReadTimeout)
	assert.True(t, cfg.IncludeMetadata)
	assert.Equal(t, int64(32<<20), cfg.maxInFlightBytes())
	assert.Equal(t, 30*time.Second, cfg.Metrics.Interval)
	assert.Equal(t, []string{"gmail.com", "Tienda.example.CO"}, cfg.Metrics.Domains, "a list replaces the default one")
	require.Len(t, cfg.BounceRules, 4)
	assert.Equal(t, "buzón * vacaciones", cfg.BounceRules[0].Phrase)
	assert.Equal(t, `(?i)cuota\s+superada`, cfg.BounceRules[1].Regexp)
	assert.Equal(t, "5.7.1", cfg.BounceRules[2].Status)
	assert.Equal(t, 554, cfg.BounceRules[3].Code)
	assert.Equal(t, "spam_detected", cfg.BounceRules[3].Reason)
}

func TestConfigAuthExtensionAloneIsEnough(t *testing.T) {
	cfg, err := loadConfig(t, "auth_extension_only")
	require.NoError(t, err)
	assert.True(t, cfg.Auth.HasValue())
	assert.Empty(t, cfg.APIKeys)
}

func TestConfigKeyFromAFileKeepsItsNewline(t *testing.T) {
	cfg, err := loadConfig(t, "key_with_newline")
	require.NoError(t, err, "surrounding white space is not part of the key")
	_, ok := newKeyChecker(cfg).check(http.Header{"Authorization": {"Bearer from-a-file"}})
	assert.True(t, ok)
}

func TestConfigValidationErrors(t *testing.T) {
	tests := map[string]string{
		"bad_path":             `path "hooks/opptima" must start with "/"`,
		"no_auth":              "the webhook would accept anyone: set api_keys",
		"empty_key":            "api_keys[1] is empty",
		"shell_variable_key":   `api_keys[0] is "$OPPTIMA_API_KEY", which the Collector does not expand: write "${env:OPPTIMA_API_KEY}"`,
		"url_endpoint":         `endpoint "http://localhost:8080/opptima" is a URL: write host:port, e.g. 0.0.0.0:8080 or localhost:8080 (the path goes in path)`,
		"not_an_endpoint":      `endpoint "not an endpoint" is not host:port`,
		"port_out_of_range":    `endpoint "localhost:99999": port "99999" is not a number from 0 to 65535`,
		"endpoint_with_path":   `endpoint "localhost:8080/opptima": port "8080/opptima" is not a number`,
		"key_with_space":       "api_keys[0] contains white space",
		"bad_timezone":         `timezone "Mars/Olympus_Mons" is not a known IANA zone`,
		"empty_timezone":       "timezone must not be empty",
		"bad_metrics_interval": "metrics.interval must be positive, not 0s",
		"small_in_flight":      "max_in_flight_bytes (1000) must be 0 (8 times max_request_body_size) or at least max_request_body_size (1048576)",
		"bad_metrics_domain":   `metrics.domains[1] "x@gmail.com" is not a domain`,
		"bad_bounce_reason":    `bounce_rules[1].reason "quarantined" is not a reason; one of: auth_failure,`,
		"bad_bounce_regexp":    "bounce_rules[0].regexp: error parsing regexp: missing closing ): `cuota (superada`",
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := loadConfig(t, name)
			require.ErrorContains(t, err, want)
			assert.NotContains(t, err.Error(), "sup3r", "a key never appears in an error")
		})
	}
}

// TestEmptyKeyNamesTheVariable: the examples read the key from
// OPPTIMA_API_KEY; when that is not set, the error says so.
func TestEmptyKeyNamesTheVariable(t *testing.T) {
	t.Setenv("OPPTIMA_API_KEY", "")
	_, err := loadConfig(t, "empty_key")
	require.ErrorContains(t, err, "api_keys[1] is empty: OPPTIMA_API_KEY, which the examples read it from (${env:OPPTIMA_API_KEY}), is not set")
	t.Setenv("OPPTIMA_API_KEY", "set-elsewhere")
	_, err = loadConfig(t, "empty_key")
	require.ErrorContains(t, err, "api_keys[1] is empty: if it comes from ${env:NAME}, that variable is not set")
}

func TestConfigAccounts(t *testing.T) {
	cfg, err := loadConfig(t, "accounts")
	require.NoError(t, err)
	require.Len(t, cfg.Accounts, 2)
	assert.Equal(t, "tienda-co", cfg.Accounts[0].Name)
	assert.Equal(t, []configopaque.String{"key-mx-old", "key-mx-new\n"}, cfg.Accounts[1].APIKeys)

	checker := newKeyChecker(cfg)
	for key, want := range map[string]string{"shared-key": "", "key-co": "tienda-co", "key-mx-old": "tienda_mx", "key-mx-new": "tienda_mx"} {
		account, ok := checker.check(http.Header{"Authorization": {"Bearer " + key}})
		assert.True(t, ok, key)
		assert.Equal(t, want, account, key)
	}
	_, ok := checker.check(http.Header{"Authorization": {"Bearer key-co-typo"}})
	assert.False(t, ok)

	_, err = loadConfig(t, "accounts_only")
	require.NoError(t, err, "accounts alone authenticate the webhook")
}

// TestConfigAccountErrors: every rule, each error naming positions and
// never a key.
func TestConfigAccountErrors(t *testing.T) {
	_, err := loadConfig(t, "accounts_bad")
	require.Error(t, err)
	for _, want := range []string{
		`accounts[0].name "Tienda CO" may hold only lower-case letters, digits, "_" and "-"`,
		"accounts[0].api_keys[1] is empty",
		"accounts[1].name is empty",
		"accounts[1].api_keys[0] is the same key as accounts[0].api_keys[0]: a key belongs to one account",
		"accounts[1].api_keys[1] contains white space",
		"accounts[2].api_keys[0] is the same key as api_keys[1]: a key belongs to one account",
		`accounts[3].name "tienda-mx" is also the name of accounts[2]`,
		"accounts[3].api_keys is empty: an account needs a key",
	} {
		assert.ErrorContains(t, err, want)
	}
	for _, secret := range []string{"shared-key", "secret-twice", "k1", "bad key"} {
		assert.NotContains(t, err.Error(), secret, "keys never appear in errors")
	}
}
