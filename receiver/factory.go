package receiver

import (
	"context"
	_ "time/tzdata" // timezone must resolve on hosts without zoneinfo files

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// NewFactory returns the factory of the opptima receiver.
func NewFactory() receiver.Factory {
	return receiver.NewFactory(
		metadata.Type,
		createDefaultConfig,
		receiver.WithLogs(createLogs, metadata.LogsStability),
	)
}

func createDefaultConfig() component.Config {
	server := confighttp.NewDefaultServerConfig()
	server.NetAddr.Endpoint = defaultEndpoint
	return &Config{
		ServerConfig: server,
		Path:         defaultPath,
		Timezone:     defaultTimezone,
	}
}

func createLogs(_ context.Context, set receiver.Settings, cfg component.Config, next consumer.Logs) (receiver.Logs, error) {
	return newWebhookReceiver(cfg.(*Config), set, next)
}
