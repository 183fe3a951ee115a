// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package requiredenvprovider

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/confmaptest"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
)

func retrieve(t *testing.T, uri string) (any, error) {
	t.Helper()
	p := NewFactory().Create(confmaptest.NewNopProviderSettings())
	defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
	got, err := p.Retrieve(context.Background(), uri, nil)
	if err != nil {
		return nil, err
	}
	return got.AsRaw()
}

func TestASetVariableReadsAsEnvWould(t *testing.T) {
	t.Setenv("OPPTIMA_TEST_NAME", "otelcol-opptima-0")
	t.Setenv("OPPTIMA_TEST_NUMBER", "8080")
	got, err := retrieve(t, "requiredenv:OPPTIMA_TEST_NAME")
	require.NoError(t, err)
	assert.Equal(t, "otelcol-opptima-0", got)
	got, err = retrieve(t, "requiredenv:OPPTIMA_TEST_NUMBER")
	require.NoError(t, err)
	assert.Equal(t, 8080, got, "read as YAML, like ${env:...}")
}

func TestAnUnsetOrEmptyVariableIsAnErrorThatNamesIt(t *testing.T) {
	t.Setenv("OPPTIMA_TEST_EMPTY", "")
	_, err := retrieve(t, "requiredenv:OPPTIMA_TEST_UNSET_VARIABLE")
	require.ErrorContains(t, err, "environment variable OPPTIMA_TEST_UNSET_VARIABLE is not set")
	_, err = retrieve(t, "requiredenv:OPPTIMA_TEST_EMPTY")
	require.ErrorContains(t, err, "environment variable OPPTIMA_TEST_EMPTY is empty")
}

func TestARequiredVariableHasNoDefault(t *testing.T) {
	_, err := retrieve(t, "requiredenv:OPPTIMA_TEST_UNSET_VARIABLE:-x")
	require.ErrorContains(t, err, "write ${env:OPPTIMA_TEST_UNSET_VARIABLE:-x} instead")
}

func TestAnInvalidNameIsRefusedAsEnvRefusesIt(t *testing.T) {
	t.Setenv("OPPTIMA TEST", "x")
	_, err := retrieve(t, "requiredenv:OPPTIMA TEST")
	require.ErrorContains(t, err, "invalid name")
}

// The scheme as a config writes it: a Collector's resolver with this
// provider expands the variable inside a value and refuses when it is unset.
func TestTheResolverRefusesAConfigWithAnUnsetVariable(t *testing.T) {
	resolve := func() (*confmap.Conf, error) {
		resolver, err := confmap.NewResolver(confmap.ResolverSettings{
			URIs:              []string{"yaml:token: Basic ${requiredenv:OPPTIMA_TEST_TOKEN}"},
			ProviderFactories: []confmap.ProviderFactory{NewFactory(), yamlprovider.NewFactory()},
		})
		require.NoError(t, err)
		return resolver.Resolve(context.Background())
	}
	_, err := resolve()
	require.ErrorContains(t, err, "OPPTIMA_TEST_TOKEN is not set")

	t.Setenv("OPPTIMA_TEST_TOKEN", "dXNlcjp0b2tlbg==")
	conf, err := resolve()
	require.NoError(t, err)
	assert.Equal(t, "Basic dXNlcjp0b2tlbg==", conf.Get("token"))
}
