// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/confignet"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/confmap"

	"github.com/opptimaotel/opptimareceiver/internal/bounce"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

const (
	defaultEndpoint = "localhost:8080"
	defaultPath     = "/opptima"
	// Opptima sends Colombian wall-clock time (UTC-5, no daylight saving).
	defaultTimezone = "America/Bogota"
)

var (
	_ component.Config  = (*Config)(nil)
	_ confmap.Validator = (*Config)(nil)
)

// Config is the configuration of the opptima receiver.
type Config struct {
	confighttp.ServerConfig `mapstructure:",squash"`

	// Path is where Opptima POSTs its webhooks.
	Path string `mapstructure:"path"`

	// APIKeys are the accepted bearer keys; any one matches, so a key can be
	// rotated by listing the old and the new one for a while.
	APIKeys []configopaque.String `mapstructure:"api_keys"`

	// Accounts are Opptima accounts told apart by their keys: the name of
	// the account whose key a request carries becomes the resource
	// attribute opptima.account of its logs, and an attribute of the
	// counters.
	Accounts []AccountConfig `mapstructure:"accounts"`

	// Timezone is the IANA zone in which Opptima's timestamps are written.
	Timezone string `mapstructure:"timezone"`

	// RawPayload also keeps each event's original JSON in log.record.original.
	RawPayload bool `mapstructure:"raw_payload"`

	// MaxInFlightBytes bounds the request bytes read and converted at once;
	// past it requests are answered 503 with Retry-After. 0 means 8 times
	// max_request_body_size.
	MaxInFlightBytes int64 `mapstructure:"max_in_flight_bytes"`

	// Metrics configures the counters the receiver emits when it is also in
	// a metrics pipeline.
	Metrics MetricsConfig `mapstructure:"metrics"`

	// BounceRules are the user's own rules for opptima.bounce.reason, run
	// before the built-in ones, in order.
	BounceRules []BounceRuleConfig `mapstructure:"bounce_rules"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// AccountConfig is one Opptima account and the keys it sends.
type AccountConfig struct {
	// Name is what opptima.account says: lower-case letters, digits, "_"
	// and "-".
	Name string `mapstructure:"name"`

	// APIKeys are this account's keys; list the old and the new one while
	// rotating.
	APIKeys []configopaque.String `mapstructure:"api_keys"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// BounceRuleConfig maps replies to a reason: exactly one of phrase, regexp,
// status or code.
type BounceRuleConfig struct {
	// Phrase is words, matched as the built-in phrases are: case, the
	// diacritics of Latin letters, punctuation and numbers ignored, "*" for
	// one to three other words.
	Phrase string `mapstructure:"phrase"`
	// Regexp is a Go regular expression over the reply as sent.
	Regexp string `mapstructure:"regexp"`
	// Status is an enhanced status code anywhere in the reply: "5.7.1",
	// or "X.7.1" for both classes.
	Status string `mapstructure:"status"`
	// Code is the reply's leading basic code.
	Code int `mapstructure:"code"`
	// Reason is what such a reply gets (README, "Why it bounced").
	Reason string `mapstructure:"reason"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// bounceClassifier prepares the user's rules (Validate reports their errors).
func (cfg *Config) bounceClassifier() (*bounce.Classifier, error) {
	rules := make([]bounce.UserRule, len(cfg.BounceRules))
	for i, r := range cfg.BounceRules {
		rules[i] = bounce.UserRule{Phrase: r.Phrase, Regexp: r.Regexp, Status: r.Status, Code: r.Code, Reason: r.Reason}
	}
	return bounce.NewClassifier(rules)
}

// MetricsConfig configures the opptima.events counter.
type MetricsConfig struct {
	// Interval is how often the running totals are emitted (and once more
	// at shutdown).
	Interval time.Duration `mapstructure:"interval"`

	// Domains are the recipient domains counted on their own; every other
	// domain counts as "other", so the number of series stays bounded.
	Domains []string `mapstructure:"domains"`

	// The switch of each metric metadata.yaml declares (opptima.events:
	// {enabled: false}), as receiver/documentation.md describes it.
	metadata.MetricsConfig `mapstructure:",squash"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Validate checks the configuration when it is loaded, before anything starts.
func (cfg *Config) Validate() error {
	var errs []error
	if err := validateEndpoint(cfg.NetAddr.Endpoint, cfg.NetAddr.Transport); err != nil {
		errs = append(errs, err)
	}
	if !strings.HasPrefix(cfg.Path, "/") {
		errs = append(errs, fmt.Errorf("path %q must start with \"/\"", cfg.Path))
	}
	if len(cfg.APIKeys) == 0 && len(cfg.Accounts) == 0 && !cfg.Auth.HasValue() {
		errs = append(errs, errors.New("the webhook would accept anyone: set api_keys (for example api_keys: [\"${env:OPPTIMA_API_KEY}\"]), accounts, or an auth extension"))
	}
	errs = append(errs, validateKeys(cfg)...)
	if _, err := loadLocation(cfg.Timezone); err != nil {
		errs = append(errs, err)
	}
	if cfg.MaxInFlightBytes < 0 || (cfg.MaxInFlightBytes > 0 && cfg.MaxInFlightBytes < cfg.maxBodySize()) {
		errs = append(errs, fmt.Errorf("max_in_flight_bytes (%d) must be 0 (8 times max_request_body_size) or at least max_request_body_size (%d), or no largest request could ever pass", cfg.MaxInFlightBytes, cfg.maxBodySize()))
	}
	if cfg.Metrics.Interval <= 0 {
		errs = append(errs, fmt.Errorf("metrics.interval must be positive, not %s", cfg.Metrics.Interval))
	}
	if _, err := cfg.bounceClassifier(); err != nil {
		errs = append(errs, err)
	}
	for i, domain := range cfg.Metrics.Domains {
		if d := strings.TrimSpace(domain); d == "" || strings.ContainsAny(d, " \t@") {
			errs = append(errs, fmt.Errorf("metrics.domains[%d] %q is not a domain", i, domain))
		}
	}
	return errors.Join(errs...)
}

// validateEndpoint refuses a TCP listen address that cannot work, so that
// `validate` says so instead of the Collector failing at start.
func validateEndpoint(endpoint string, transport confignet.TransportType) error {
	if transport != "" && transport != confignet.TransportTypeTCP && transport != confignet.TransportTypeTCP4 && transport != confignet.TransportTypeTCP6 {
		return nil // a unix socket path, checked when it is bound
	}
	const form = "host:port, e.g. 0.0.0.0:8080 or localhost:8080"
	if strings.Contains(endpoint, "://") {
		return fmt.Errorf("endpoint %q is a URL: write %s (the path goes in path)", endpoint, form)
	}
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		return fmt.Errorf("endpoint %q is not %s", endpoint, form)
	}
	if strings.ContainsAny(host, "/ ") {
		return fmt.Errorf("endpoint %q: %q is not a host name or address (write %s; the path goes in path)", endpoint, host, form)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("endpoint %q: port %q is not a number from 0 to 65535", endpoint, port)
	}
	return nil
}

// unexpandedEnv is a key that is the name of an environment variable
// written as in a shell: the Collector expands only ${env:NAME} (and
// ${NAME}), so "$NAME" would silently become the key itself.
var unexpandedEnv = regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*$`)

// maxBodySize is max_request_body_size as confighttp applies it: 0 or less
// means confighttp's own default.
func (cfg *Config) maxBodySize() int64 {
	if cfg.MaxRequestBodySize <= 0 {
		return confighttpDefaultMaxBodySize
	}
	return cfg.MaxRequestBodySize
}

// confighttpDefaultMaxBodySize is what confighttp applies when
// max_request_body_size is 0 (20 MiB).
const confighttpDefaultMaxBodySize = 20 << 20

func (cfg *Config) maxInFlightBytes() int64 {
	if cfg.MaxInFlightBytes > 0 {
		return cfg.MaxInFlightBytes
	}
	return inFlightPerMaxBody * cfg.maxBodySize()
}

// accountName is what an account may be called: it becomes an attribute
// value and a Prometheus label value.
var accountName = regexp.MustCompile(`^[a-z0-9_-]+$`)

// validateKeys checks every key where it is listed: not empty, no inner
// white space, and not listed twice in different places (two accounts, or
// an account and api_keys), which would make the account of a request
// ambiguous. Errors name positions, never keys. Surrounding white space is
// dropped (a key file usually ends in a newline).
func validateKeys(cfg *Config) []error {
	var errs []error
	firstSeen := map[string]string{} // key -> the position that listed it first
	check := func(place string, keys []configopaque.String) {
		seenHere := map[string]bool{}
		for i, key := range keys {
			position := fmt.Sprintf("%s[%d]", place, i)
			trimmed := strings.TrimSpace(string(key))
			switch {
			case trimmed == "":
				errs = append(errs, fmt.Errorf("%s is empty%s", position, emptyKeyHint()))
				continue
			case unexpandedEnv.MatchString(trimmed):
				errs = append(errs, fmt.Errorf("%s is %q, which the Collector does not expand: write \"${env:%s}\"", position, trimmed, trimmed[1:]))
				continue
			case strings.ContainsAny(trimmed, " \t\r\n"):
				errs = append(errs, fmt.Errorf("%s contains white space, which a bearer token cannot carry", position))
				continue
			}
			if first, ok := firstSeen[trimmed]; ok && !seenHere[trimmed] {
				errs = append(errs, fmt.Errorf("%s is the same key as %s: a key belongs to one account", position, first))
				continue
			}
			if !seenHere[trimmed] {
				firstSeen[trimmed] = position
			}
			seenHere[trimmed] = true
		}
	}
	check("api_keys", cfg.APIKeys)
	names := map[string]int{}
	for i, account := range cfg.Accounts {
		place := fmt.Sprintf("accounts[%d]", i)
		switch {
		case account.Name == "":
			errs = append(errs, fmt.Errorf("%s.name is empty", place))
		case !accountName.MatchString(account.Name):
			errs = append(errs, fmt.Errorf("%s.name %q may hold only lower-case letters, digits, \"_\" and \"-\"", place, account.Name))
		default:
			if first, ok := names[account.Name]; ok {
				errs = append(errs, fmt.Errorf("%s.name %q is also the name of accounts[%d]", place, account.Name, first))
			} else {
				names[account.Name] = i
			}
		}
		if len(account.APIKeys) == 0 {
			errs = append(errs, fmt.Errorf("%s.api_keys is empty: an account needs a key", place))
		}
		check(place+".api_keys", account.APIKeys)
	}
	return errs
}

// emptyKeyHint names the variable the examples read the key from when it is
// not set here: the config was resolved before it reached the receiver, so
// which variable an empty key came from cannot be known, only guessed.
func emptyKeyHint() string {
	if os.Getenv("OPPTIMA_API_KEY") == "" {
		return ": OPPTIMA_API_KEY, which the examples read it from (${env:OPPTIMA_API_KEY}), is not set"
	}
	return ": if it comes from ${env:NAME}, that variable is not set"
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
