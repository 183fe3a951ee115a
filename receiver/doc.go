// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package opptimareceiver is the Collector receiver for Opptima email webhooks.
//
// It serves an authenticated HTTP endpoint, decodes each Opptima event
// (bounce, delivered, sent, click, ...) and hands it on as one log record.
// Decoding and mapping live in internal/opptima; this package only wires
// them to the Collector: configuration, factory, server lifecycle and the
// HTTP contract.
//
//go:generate make -C .. generate
package opptimareceiver // import "github.com/opptimaotel/opptimareceiver/receiver"
