// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package requiredenvprovider is the Collector's env provider for variables a
// config cannot run without: `${requiredenv:NAME}` is `${env:NAME}` when NAME
// is set and not empty, and otherwise the Collector refuses to start with an
// error that names NAME.
//
// The core env provider expands an unset variable to nothing and logs a
// warning; the component that then gets an empty value fails with a message
// of its own that names neither the variable nor the file ("no bearer token
// provided"), or, worse, starts. There is no default: a variable with a
// sensible default is read with `${env:NAME:-default}`.
package requiredenvprovider // import "github.com/opptimaotel/opptimareceiver/provider/requiredenvprovider"

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
)

// Scheme is the URI scheme this provider answers.
const Scheme = "requiredenv"

// NewFactory returns the factory of the requiredenv provider, as ocb's
// builder config lists it under providers.
func NewFactory() confmap.ProviderFactory {
	return confmap.NewProviderFactory(newProvider)
}

type provider struct {
	env confmap.Provider
}

func newProvider(settings confmap.ProviderSettings) confmap.Provider {
	return &provider{env: envprovider.NewFactory().Create(settings)}
}

func (p *provider) Retrieve(ctx context.Context, uri string, watcher confmap.WatcherFunc) (*confmap.Retrieved, error) {
	name, ok := strings.CutPrefix(uri, Scheme+":")
	if !ok {
		return nil, fmt.Errorf("%q uri is not supported by the %q provider", uri, Scheme)
	}
	if strings.Contains(name, ":-") {
		return nil, fmt.Errorf("${%s}: a required variable has no default; write ${env:%s} instead", uri, name)
	}
	if value, set := os.LookupEnv(name); !set || value == "" {
		state := "not set"
		if set {
			state = "empty"
		}
		return nil, fmt.Errorf("environment variable %s is %s, and the config requires it (${%s}); the comments at the top of the config say what to set it to", name, state, uri)
	}
	// The env provider checks the name and reads the value as YAML, so that
	// a required variable means what ${env:NAME} means.
	return p.env.Retrieve(ctx, "env:"+name, watcher)
}

func (*provider) Scheme() string {
	return Scheme
}

func (p *provider) Shutdown(ctx context.Context) error {
	return p.env.Shutdown(ctx)
}
