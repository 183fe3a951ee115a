// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package e2e runs the end-to-end tests: the built Collector, with the very
// files users copy from examples/ (configs, alert rules, Alertmanager
// routing), against real backends, Prometheus, Alertmanager, HAProxy and
// the image. They need those programs (`make e2e-test` installs them and
// names them in environment variables) and run only with the e2e build
// tag, as the Collector's own repositories keep such tests.
//
// The tests that mostly wait (for Prometheus', vmalert's or Alertmanager's
// evaluations) are parallel, each with servers and ports of its own: Go
// runs them together after the others, which load the Collector and
// measure it, have run alone (`make e2e-test` allows four at a time). A
// config that keeps the Collector's default telemetry port (8888) cannot
// run twice at once.
package e2e
