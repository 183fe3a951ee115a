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

// StatusFromConsumeError maps an error returned by the next consumer:
// permanent errors will fail again on resend, so they are 400; anything
// else (a full queue, a refusing memory_limiter, a backend outage) may pass
// later, so it is 503 and Opptima is asked to retry.
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
