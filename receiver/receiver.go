package receiver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componentstatus"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.uber.org/zap"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// webhookReceiver owns the HTTP server's lifecycle; requests are served by
// webhookHandler.
type webhookReceiver struct {
	cfg      *Config
	settings receiver.Settings
	handler  *webhookHandler

	server     *http.Server
	addr       net.Addr // where it listens once started; tests bind port 0
	shutdownWG sync.WaitGroup
}

func newWebhookReceiver(cfg *Config, set receiver.Settings, next consumer.Logs) (*webhookReceiver, error) {
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
	converter := opptima.NewConverter(opptima.Options{
		Location:     loc,
		RawPayload:   cfg.RawPayload,
		ScopeName:    metadata.ScopeName,
		ScopeVersion: set.BuildInfo.Version,
	})
	return &webhookReceiver{
		cfg:      cfg,
		settings: set,
		handler:  newWebhookHandler(next, obsreport, converter, newKeyChecker(cfg.APIKeys)),
	}, nil
}

// Start listens on the configured endpoint. Only the exact path is served;
// every other path is a JSON 404. The path is compared as text, not used
// as a ServeMux pattern: a pattern would turn "/hooks/" into a subtree and
// make "{" or a space in the path panic at start.
func (r *webhookReceiver) Start(ctx context.Context, host component.Host) error {
	route := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != r.cfg.Path {
			notFound(w, req)
			return
		}
		r.handler.ServeHTTP(w, req)
	})

	var err error
	r.server, err = r.cfg.ToServer(ctx, host.GetExtensions(), r.settings.TelemetrySettings, route,
		confighttp.WithErrorHandler(writeServerError))
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

	r.shutdownWG.Go(func() {
		if err := r.server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			componentstatus.ReportStatus(host, componentstatus.NewFatalErrorEvent(err))
		}
	})
	return nil
}

// Shutdown stops accepting requests and waits for those in flight, so every
// request either finishes (its events consumed) or is never answered 200.
func (r *webhookReceiver) Shutdown(ctx context.Context) error {
	var err error
	if r.server != nil {
		err = r.server.Shutdown(ctx)
	}
	r.shutdownWG.Wait()
	return err
}
