// Package receiver is the Collector receiver for Opptima email webhooks.
//
// It serves an authenticated HTTP endpoint, decodes each Opptima event
// (bounce, delivered, sent, click, ...) and hands it on as one log record.
// Decoding and mapping live in internal/opptima; this package only wires
// them to the Collector: configuration, factory, server lifecycle and the
// HTTP contract.
//
//go:generate go tool mdatagen metadata.yaml
package receiver // import "github.com/opptimaotel/opptimareceiver/receiver"
