package receiver

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configopaque"
)

const (
	defaultEndpoint = "localhost:8080"
	defaultPath     = "/opptima"
	// Opptima sends Colombian wall-clock time (UTC-5, no daylight saving).
	defaultTimezone = "America/Bogota"
)

// Config is the configuration of the opptima receiver.
type Config struct {
	confighttp.ServerConfig `mapstructure:",squash"`

	// Path is where Opptima POSTs its webhooks.
	Path string `mapstructure:"path"`

	// APIKeys are the accepted bearer keys; any one matches, so a key can be
	// rotated by listing the old and the new one for a while.
	APIKeys []configopaque.String `mapstructure:"api_keys"`

	// Timezone is the IANA zone in which Opptima's timestamps are written.
	Timezone string `mapstructure:"timezone"`

	// RawPayload also keeps each event's original JSON in log.record.original.
	RawPayload bool `mapstructure:"raw_payload"`

	// Metrics configures the counters the receiver emits when it is also in
	// a metrics pipeline.
	Metrics MetricsConfig `mapstructure:"metrics"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// MetricsConfig configures the opptima.events counter.
type MetricsConfig struct {
	// Interval is how often the running totals are emitted (and once more
	// at shutdown).
	Interval time.Duration `mapstructure:"interval"`

	// Domains are the recipient domains counted on their own; every other
	// domain counts as "other", so the number of series stays bounded.
	Domains []string `mapstructure:"domains"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate checks the configuration when it is loaded, before anything starts.
func (cfg *Config) Validate() error {
	var errs []error
	if !strings.HasPrefix(cfg.Path, "/") {
		errs = append(errs, fmt.Errorf("path %q must start with \"/\"", cfg.Path))
	}
	if len(cfg.APIKeys) == 0 && !cfg.Auth.HasValue() {
		errs = append(errs, errors.New("the webhook would accept anyone: set api_keys (for example api_keys: [\"${env:OPPTIMA_API_KEY}\"]) or an auth extension"))
	}
	for i, key := range cfg.APIKeys {
		// The key itself is never printed, only its position. Surrounding
		// white space is dropped (a key file usually ends in a newline).
		if trimmed := strings.TrimSpace(string(key)); trimmed == "" {
			errs = append(errs, fmt.Errorf("api_keys[%d] is empty", i))
		} else if strings.ContainsAny(trimmed, " \t\r\n") {
			errs = append(errs, fmt.Errorf("api_keys[%d] contains white space, which a bearer token cannot carry", i))
		}
	}
	if _, err := loadLocation(cfg.Timezone); err != nil {
		errs = append(errs, err)
	}
	if cfg.Metrics.Interval <= 0 {
		errs = append(errs, fmt.Errorf("metrics.interval must be positive, not %s", cfg.Metrics.Interval))
	}
	for i, domain := range cfg.Metrics.Domains {
		if d := strings.TrimSpace(domain); d == "" || strings.ContainsAny(d, " \t@") {
			errs = append(errs, fmt.Errorf("metrics.domains[%d] %q is not a domain", i, domain))
		}
	}
	return errors.Join(errs...)
}

// loadLocation resolves the configured IANA zone. The receiver imports
// time/tzdata, so this works on hosts without zoneinfo files.
func loadLocation(name string) (*time.Location, error) {
	if name == "" {
		return nil, errors.New("timezone must not be empty")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("timezone %q is not a known IANA zone: %w", name, err)
	}
	return loc, nil
}
