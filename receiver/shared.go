// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"sync"

	"go.opentelemetry.io/collector/receiver"
)

// instances holds the one webhookReceiver of each configuration while any
// pipeline uses it, the way core's otlpreceiver shares one server between
// its signals. A configuration is one *Config: the Collector hands the
// same one to every pipeline that names the receiver.
var instances = &sharedInstances{byConfig: map[*Config]*webhookReceiver{}}

type sharedInstances struct {
	mu       sync.Mutex
	byConfig map[*Config]*webhookReceiver
}

// get returns the instance of cfg, creating it for the first pipeline.
func (s *sharedInstances) get(cfg *Config, set receiver.Settings) (*webhookReceiver, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.byConfig[cfg]; ok {
		return r, nil
	}
	r, err := newWebhookReceiver(cfg, set)
	if err != nil {
		return nil, err
	}
	s.byConfig[cfg] = r
	return r, nil
}

// start runs startFn for the first pipeline that starts r.
func (s *sharedInstances) start(r *webhookReceiver, startFn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.starts++
	if r.starts > 1 {
		return nil
	}
	return startFn()
}

// shutdown runs shutdownFn when the last pipeline that started r stops (or
// at once if none did), and forgets r, so that a new Collector
// configuration builds a new instance.
func (s *sharedInstances) shutdown(r *webhookReceiver, shutdownFn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.starts > 1 {
		r.starts--
		return nil
	}
	r.starts = 0
	if s.byConfig[r.cfg] == r {
		delete(s.byConfig, r.cfg)
	}
	return shutdownFn()
}
