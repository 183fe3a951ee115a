// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/config/configauth"
	"go.opentelemetry.io/collector/config/confighttp"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// headerAuthenticator is an auth extension that accepts one X-Team-Token.
type headerAuthenticator struct {
	component.StartFunc
	component.ShutdownFunc
}

func (headerAuthenticator) Authenticate(ctx context.Context, headers map[string][]string) (context.Context, error) {
	for _, v := range headers["X-Team-Token"] {
		if v == "team-secret" {
			return ctx, nil
		}
	}
	return ctx, errors.New("team token required")
}

type hostWithExtensions map[component.ID]component.Component

func (h hostWithExtensions) GetExtensions() map[component.ID]component.Component { return h }

// TestAuthExtensionInsteadOfAPIKeys: with only `auth` configured, the
// extension decides, through the real server, and its refusals look like ours.
func TestAuthExtensionInsteadOfAPIKeys(t *testing.T) {
	authID := component.MustNewID("teamauth")
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	cfg.Auth = configoptional.Some(confighttp.AuthConfig{Config: configauth.Config{AuthenticatorID: authID}})
	require.NoError(t, cfg.Validate())

	sink := new(consumertest.LogsSink)
	rcv, err := NewFactory().CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, rcv.Start(context.Background(), hostWithExtensions{authID: headerAuthenticator{}}))
	t.Cleanup(func() { require.NoError(t, rcv.Shutdown(context.Background())) })
	url := "http://" + rcv.(*webhookReceiver).addr.String() + cfg.Path

	a := send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), map[string]string{"X-Team-Token": "wrong"})
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.Equal(t, "Bearer", a.header.Get("WWW-Authenticate"))
	assert.NotEmpty(t, a.body["error"])
	assert.Zero(t, sink.LogRecordCount())

	a = send(t, http.MethodPost, url, fixture(t, "smtp-bounce.json"), map[string]string{"X-Team-Token": "team-secret"})
	assert.Equal(t, http.StatusOK, a.status, "no api_keys: the extension alone decides")
	assert.Equal(t, 1, sink.LogRecordCount())
}
