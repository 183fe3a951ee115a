// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/opptimaotel/opptimareceiver/internal/counters"
	"github.com/opptimaotel/opptimareceiver/internal/opptima"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

var (
	_ receiver.Logs    = (*webhookReceiver)(nil)
	_ receiver.Metrics = (*webhookReceiver)(nil)
)

// webhookReceiver is one configured opptima receiver: one HTTP server,
// whether it sits in a logs pipeline, a metrics pipeline or both. Requests
// are served by webhookHandler; the counters are emitted by emitEvery.
type webhookReceiver struct {
	cfg       *Config
	settings  receiver.Settings
	obsreport *receiverhelper.ObsReport
	telemetry *metadata.TelemetryBuilder
	converter *opptima.Converter
	warnings  *throttledWarnings

	// Set by the factory before Start: either may be nil.
	nextLogs    consumer.Logs
	nextMetrics consumer.Metrics

	handler  *webhookHandler
	counter  *counters.Counter        // nil without a metrics pipeline
	metrics  *metadata.MetricsBuilder // turns the counts into opptima.events
	server   *http.Server
	addr     net.Addr // where it listens once started; tests bind port 0
	stopTick chan struct{}
	workers  sync.WaitGroup

	// starts counts the pipelines that started this instance; the last
	// Shutdown stops it. Guarded by instances.mu.
	starts int
}

func newWebhookReceiver(cfg *Config, set receiver.Settings) (*webhookReceiver, error) {
	loc, err := loadLocation(cfg.Timezone)
	if err != nil {
		return nil, err
	}
	obsreport, err := receiverhelper.NewObsReport(receiverhelper.ObsReportSettings{
		ReceiverID:             set.ID,
		Transport:              "http",
		ReceiverCreateSettings: set,
	})
	if err != nil {
		return nil, err
	}
	telemetry, err := metadata.NewTelemetryBuilder(set.TelemetrySettings)
	if err != nil {
		return nil, err
	}
	classifier, err := cfg.bounceClassifier()
	if err != nil {
		return nil, err
	}
	timeWarnings := newThrottledWarnings(set.Logger)
	return &webhookReceiver{
		cfg:       cfg,
		settings:  set,
		obsreport: obsreport,
		telemetry: telemetry,
		warnings:  newThrottledWarnings(set.Logger),
		converter: opptima.NewConverter(opptima.Options{
			Location:         loc,
			OnUnreadableTime: timeWarnings.unreadableTime,
			Bounce:           classifier,
			RawPayload:       cfg.RawPayload,
			ScopeName:        metadata.ScopeName,
			ScopeVersion:     set.BuildInfo.Version,
		}),
	}, nil
}

// Start starts the instance once, for the first pipeline that starts it.
func (r *webhookReceiver) Start(ctx context.Context, host component.Host) error {
	return instances.start(r, func() error { return r.start(ctx, host) })
}

// Shutdown stops the instance when the last pipeline that started it
// stops.
func (r *webhookReceiver) Shutdown(ctx context.Context) error {
	return instances.shutdown(r, func() error { return r.shutdown(ctx) })
}

// start listens on the configured endpoint. Only the exact path is served;
// every other path is a JSON 404. The path is compared as text, not used
// as a ServeMux pattern: a pattern would turn "/hooks/" into a subtree and
// make "{" or a space in the path panic at start.
func (r *webhookReceiver) start(ctx context.Context, host component.Host) error {
	if r.nextMetrics != nil {
		r.counter = counters.New(counterLists(r.cfg))
		r.metrics = metadata.NewMetricsBuilder(metadata.MetricsBuilderConfig{Metrics: r.cfg.Metrics.MetricsConfig}, r.settings,
			metadata.WithStartTime(pcommon.NewTimestampFromTime(time.Now())))
	}
	r.handler = newWebhookHandler(r.cfg, r.nextLogs, r.counter, r.obsreport, r.telemetry, r.converter, r.warnings)
	r.handler.serveAlertedCountersAtZero(ctx)
	route := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != r.cfg.Path {
			r.handler.notFound(w, req, r.cfg.Path)
			return
		}
		r.handler.ServeHTTP(w, req)
	})

	var err error
	r.server, err = r.cfg.ToServer(ctx, host.GetExtensions(), r.settings.TelemetrySettings, route,
		confighttp.WithErrorHandler(r.handler.serverError))
	if err != nil {
		return err
	}
	listener, err := r.cfg.ToListener(ctx)
	if err != nil {
		return err
	}
	r.addr = listener.Addr()
	r.settings.Logger.Info("Opptima webhook listening",
		zap.String("endpoint", listener.Addr().String()), zap.String("path", r.cfg.Path))

	r.workers.Go(func() {
		if err := r.server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	})
	if r.counter != nil {
		r.stopTick = make(chan struct{})
		r.workers.Go(r.emitEvery)
	}
	return nil
}

// shutdown stops accepting requests and waits for those in flight, so every
// request either finishes (its events consumed and counted) or is never
// answered 200; then it emits the counters' final values.
func (r *webhookReceiver) shutdown(ctx context.Context) error {
	var err error
	if r.server != nil {
		err = r.server.Shutdown(ctx)
	}
	if r.stopTick != nil {
		close(r.stopTick)
	}
	r.workers.Wait()
	if r.counter != nil {
		err = errors.Join(err, r.emit(ctx, true))
	}
	r.telemetry.Shutdown()
	return err
}
