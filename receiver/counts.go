// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"context"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.uber.org/zap"

	"github.com/opptimaotel/opptimareceiver/internal/counters"
	"github.com/opptimaotel/opptimareceiver/internal/opptima"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// emitEvery emits the running totals every metrics.interval until shutdown.
func (r *webhookReceiver) emitEvery() {
	ticker := time.NewTicker(r.cfg.Metrics.Interval)
	defer ticker.Stop()
	for {
		select {
		case <-r.stopTick:
			return
		case <-ticker.C:
			if err := r.emit(context.Background(), false); err != nil {
				// The totals are cumulative: the next emission carries them.
				r.settings.Logger.Warn("The metrics pipeline did not take the Opptima counters", zap.Error(err))
			}
		}
	}
}

func (r *webhookReceiver) emit(ctx context.Context, final bool) error {
	md := r.countsAsMetrics(r.counter.Points(final), time.Now())
	ctx = r.obsreport.StartMetricsOp(ctx)
	err := r.nextMetrics.ConsumeMetrics(ctx, md)
	r.obsreport.EndMetricsOp(ctx, counterFormat, md.DataPointCount(), err)
	return err
}

const counterFormat = "opptima_counters"

// countsAsMetrics records every point on opptima.events through the builder
// mdatagen generates from metadata.yaml (name, unit, temporality, scope,
// start time, attribute names and enums), with recordCounterPoint, which
// make generate writes from metadata.yaml too.
func (r *webhookReceiver) countsAsMetrics(points []counters.Point, now time.Time) pmetric.Metrics {
	ts := pcommon.NewTimestampFromTime(now)
	for _, p := range points {
		recordCounterPoint(r.metrics, ts, p)
	}
	resource := pcommon.NewResource()
	resource.Attributes().PutStr("service.name", opptima.ServiceName)
	return r.metrics.Emit(metadata.WithResource(resource))
}

// counterLists are the configured lists the counter's attributes take
// their values from, by the names the schema's rows give them
// (opptima.Counted.Configured).
func counterLists(cfg *Config) counters.Lists {
	accounts := make([]string, 0, len(cfg.Accounts))
	for _, a := range cfg.Accounts {
		accounts = append(accounts, a.Name)
	}
	return counters.Lists{"metrics.domains": cfg.Metrics.Domains, "accounts": accounts}
}
