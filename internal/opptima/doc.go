// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package opptima decodes Opptima webhook payloads and maps each event to
// an OpenTelemetry log record.
//
// It is a tolerant reader: optional fields may be missing or oddly typed,
// unknown fields are kept (as opptima.<snake_case> attributes, JSON type
// preserved), and only a body that is not JSON, or an element that is not
// an event object, is rejected. A request is converted all or nothing.
package opptima // import "github.com/opptimaotel/opptimareceiver/internal/opptima"
