// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package dashboard builds the Grafana dashboard of the Opptima bounces with
// Grafana's Go SDK. The JSON it writes, opptima-bounces.json, is committed
// (import it in Grafana, or apply deploy/kubernetes/monitoring for the
// dashboard sidecar); dashboard_test.go checks that it is in sync with this
// code and that every threshold drawn is the one its alert uses.
package dashboard

import (
	"encoding/json"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// UID is the dashboard's stable identifier, so that links to it survive a
// re-import.
const UID = "opptima-bounces"

// Threshold is a line drawn on a panel: the value an alert of
// examples/alerts/bounce-rate.rules.yml or collector.rules.yml compares
// with, and that alert's name.
type Threshold struct {
	Value float64
	Alert string
}

// Panel is one time series panel: what it shows, its PromQL queries (each
// with its legend) and the alert thresholds drawn on it.
type Panel struct {
	Title, Description, Unit string
	Queries                  []Query
	Thresholds               []Threshold
}

// Query is a PromQL expression and the legend of its series.
type Query struct {
	Expr, Legend string
}

// Row is a titled group of panels.
type Row struct {
	Title  string
	Panels []Panel
}

// Rows is the dashboard's content, top to bottom. The queries read the
// recording rules of bounce-rate.rules.yml where one exists, so that the
// panels show what the alerts see.
var Rows = []Row{
	{Title: "Bounce rate", Panels: []Panel{
		{
			Title:       "Bounce rate",
			Description: "Bounces among outcomes (bounces, SMTP delivered, Email-marketing sent), over 20 minutes, every replica summed.",
			Unit:        "percentunit",
			Queries:     []Query{{Expr: "opptima:bounce_ratio:20m", Legend: "bounce rate"}},
			Thresholds:  []Threshold{{0.02, "OpptimaBounceRateSpike"}, {0.05, "OpptimaBounceRateHigh"}},
		},
		{
			Title:       "Bounce rate by recipient domain",
			Description: "The domains of the receiver's metrics.domains; the rest is \"other\".",
			Unit:        "percentunit",
			Queries:     []Query{{Expr: "opptima:domain_bounce_ratio:20m", Legend: "{{email_to_domain}}"}},
			Thresholds:  []Threshold{{0.05, "OpptimaDomainBounceRateHigh"}},
		},
		{
			Title:       "Bounce rate by account",
			Description: "Per Opptima account, when the receiver's config names accounts.",
			Unit:        "percentunit",
			Queries:     []Query{{Expr: "opptima:account_bounce_ratio:20m", Legend: "{{opptima_account}}"}},
			Thresholds:  []Threshold{{0.05, "OpptimaAccountBounceRateHigh"}},
		},
	}},
	{Title: "Why emails bounce", Panels: []Panel{
		{
			Title:       "Bounces by category, share of outcomes",
			Description: "Who has to act (README, \"Why it bounced\"). The dashed lines are where reputation blocks page and invalid addresses open a ticket.",
			Unit:        "percentunit",
			Queries:     []Query{{Expr: "opptima:category_ratio:20m", Legend: "{{opptima_bounce_category}}"}},
			Thresholds:  []Threshold{{0.02, "OpptimaReputationBlocks"}, {0.05, "OpptimaInvalidAddressesHigh"}},
		},
		{
			Title:       "Bounces by reason, per minute",
			Description: "opptima.bounce.reason, read from the recipient server's reply.",
			Unit:        "short",
			Queries: []Query{{
				Expr:   `sum by (opptima_bounce_reason) (rate(opptima_events_total{opptima_event="bounce"}[5m])) * 60`,
				Legend: "{{opptima_bounce_reason}}",
			}},
		},
		{
			Title:       "Events by kind, per minute",
			Description: "Every event the receiver acknowledged (answered 200).",
			Unit:        "short",
			Queries: []Query{{
				Expr:   "sum by (opptima_event) (rate(opptima_events_total[5m])) * 60",
				Legend: "{{opptima_event}}",
			}},
		},
	}},
	{Title: "Collector", Panels: []Panel{
		{
			Title:       "Webhooks answered 503, per 5 minutes",
			Description: "Refused for the admission bound, a full queue or memory_limiter: each is lost unless Opptima resends it (RELIABILITY.md, \"What a 503 costs\").",
			Unit:        "short",
			Queries: []Query{{
				// The counter exists from the first 503 on: 0 until then.
				Expr:   "sum(increase(otelcol_receiver_opptima_requests_retry_later[5m])) or vector(0)",
				Legend: "503s",
			}},
			Thresholds: []Threshold{{0, "OpptimaWebhooksAnswered503"}},
		},
		{
			Title:       "Persistent queue",
			Description: "Bytes of events waiting on disk for the backend, per replica, and the queue's capacity: when it is full the receiver answers 503.",
			Unit:        "bytes",
			Queries: []Query{
				{Expr: "sum by (instance) (otelcol_exporter_queue_size)", Legend: "{{instance}} queued"},
				{Expr: "max(otelcol_exporter_queue_capacity)", Legend: "capacity"},
			},
		},
	}},
}

// JSON returns the dashboard as Grafana imports it.
func JSON() ([]byte, error) {
	datasource := common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("${datasource}")}
	b := dashboard.NewDashboardBuilder("Opptima bounces").
		Uid(UID).
		Description("Bounce rates, why emails bounce, and the Collector's 503s and queue, from otelcol-opptima's counters. Thresholds are those of the alert rules.").
		Tags([]string{"opptima", "email", "otelcol"}).
		Refresh("1m").
		Time("now-6h", "now").
		Timezone(common.TimeZoneBrowser).
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").Label("Prometheus").Type("prometheus"))
	for _, row := range Rows {
		b = b.WithRow(dashboard.NewRowBuilder(row.Title))
		for _, p := range row.Panels {
			b = b.WithPanel(panel(p, datasource))
		}
	}
	d, err := b.Build()
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func panel(p Panel, datasource common.DataSourceRef) *timeseries.PanelBuilder {
	b := timeseries.NewPanelBuilder().
		Title(p.Title).
		Description(p.Description).
		Datasource(datasource).
		Unit(p.Unit).
		Min(0).
		Height(8).
		Span(8).
		Legend(common.NewVizLegendOptionsBuilder().DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom).ShowLegend(true))
	for _, q := range p.Queries {
		b = b.WithTarget(prometheus.NewDataqueryBuilder().Datasource(datasource).Expr(q.Expr).LegendFormat(q.Legend))
	}
	// The first step is the base colour; each threshold turns the line red
	// from its value up.
	steps := []dashboard.Threshold{{Value: nil, Color: "green"}}
	for _, t := range p.Thresholds {
		steps = append(steps, dashboard.Threshold{Value: cog.ToPtr(t.Value), Color: "red"})
	}
	b = b.Thresholds(dashboard.NewThresholdsConfigBuilder().Mode(dashboard.ThresholdsModeAbsolute).Steps(steps))
	if len(p.Thresholds) > 0 {
		b = b.ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed))
	}
	return b
}
