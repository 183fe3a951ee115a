package receiver

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// BenchmarkHandler measures one request through our handler alone (no
// network, no confighttp middleware): what the receiver adds per request on
// top of decode + map.
func BenchmarkHandler(b *testing.B) {
	body := fixture(b, "smtp-bounce.json")
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.APIKeys = []configopaque.String{testKey}
	rcv, err := newWebhookReceiver(cfg, receivertest.NewNopSettings(metadata.Type))
	if err != nil {
		b.Fatal(err)
	}
	rcv.handler = newWebhookHandler(consumertest.NewNop(), nil, rcv.obsreport, rcv.converter, newKeyChecker(cfg.APIKeys))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/opptima", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		rcv.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
	}
}
