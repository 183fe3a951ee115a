// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"context"
	"slices"
	"time"
	_ "time/tzdata" // timezone must resolve on hosts without zoneinfo files

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/opptimaotel/opptimareceiver/internal/counters"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// NewFactory returns the factory of the opptima receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithLogs(createLogs, metadata.LogsStability),
		receiver.WithMetrics(createMetrics, metadata.MetricsStability),
	)
}

const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 30 * time.Second
	// Opptima sends one event of about half a KiB per request; 1 MiB still
	// takes arrays of some 2,000 events. A converted body takes many times
	// its size (pdata spends a few hundred bytes per record), so
	// confighttp's 20 MiB would let one request take a Collector down
	// (RELIABILITY.md).
	defaultMaxRequestBodySize = 1 << 20
	defaultMetricsInterval    = 10 * time.Second
)

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	// The endpoint faces the internet and Opptima's bodies are small: a
	// client gets 10 s for its headers and 30 s for the whole request, so
	// connections that trickle bytes are cut instead of held.
	server.ReadHeaderTimeout = defaultReadHeaderTimeout
	server.ReadTimeout = defaultReadTimeout
	server.MaxRequestBodySize = defaultMaxRequestBodySize
	return &Config{
		ServerConfig: server,
		Path:         defaultPath,
		Timezone:     defaultTimezone,
		Metrics: MetricsConfig{
			Interval: defaultMetricsInterval,
			Domains:  slices.Clone(counters.DefaultDomains),

			MetricsConfig: metadata.DefaultMetricsConfig(),
		},
	}
}

// The same receiver in a logs and a metrics pipeline is one instance with
// one HTTP server: createLogs and createMetrics return the instance of
// their configuration, each adding its consumer.

func createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	r, err := instances.get(cfg.(*Config), set)
	if err != nil {
		return nil, err
	}
	r.nextLogs = next
	return r, nil
}

func createMetrics(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Metrics) (receiver.Metrics, error) {
	r, err := instances.get(cfg.(*Config), set)
	if err != nil {
		return nil, err
	}
	r.nextMetrics = next
	return r, nil
}
