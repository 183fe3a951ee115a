// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package httperr maps pipeline errors to HTTP answers and writes the JSON
// error bodies of the webhook, so the status-code policy lives in one place.
package httperr // import "github.com/opptimaotel/opptimareceiver/internal/httperr"

import (
	"encoding/json"
	"net/http"
	"strconv"

	"go.opentelemetry.io/collector/consumer/consumererror"
)

// RetryAfterSeconds is what a 503 asks Opptima to wait before it resends.
const RetryAfterSeconds = 5

// StatusFromConsumeError maps an error returned by the next consumer by
// contrib's rule for its HTTP receivers (internal/coreinternal/errorutil,
// GetHTTPStatusCodeFromError): a permanent error will fail again on
// resend, so it is 400 Bad Request; anything else (a full queue, a refusing
// memory_limiter, a backend outage) may pass later, so it is 503 Service
// Unavailable, which Write sends with Retry-After (RFC 9110 §15.6.4 and
// §10.2.3). Core's otlpreceiver answers a permanent error with 500 instead
// (its internal/errors); a webhook sender retries any 5xx, and an event
// that will fail again must not be resent forever.
func StatusFromConsumeError(err error) int {
	if consumererror.IsPermanent(err) {
		return http.StatusBadRequest
	}
	return http.StatusServiceUnavailable
}

// Write answers status with {"error": msg}. A 503 carries Retry-After.
func Write(w http.ResponseWriter, status int, msg string) {
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
	}
	body, _ := json.Marshal(struct { // a struct of one string always encodes
		Error string `json:"error"`
	}{msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
