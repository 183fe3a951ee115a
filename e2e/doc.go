// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package e2e runs the end-to-end tests: the built Collector, with the very
// files users copy from examples/ (configs, alert rules, Alertmanager
// routing), against real backends, Prometheus, Alertmanager, HAProxy and
// the image. They need those programs (`make e2e-test` installs them and
// names them in environment variables) and run only with the e2e build
// tag, as the Collector's own repositories keep such tests.
package e2e
