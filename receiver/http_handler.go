// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/receiver/receiverhelper"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/opptimaotel/opptimareceiver/internal/counters"
	"github.com/opptimaotel/opptimareceiver/internal/httperr"
	"github.com/opptimaotel/opptimareceiver/internal/opptima"
	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

const dataFormat = "opptima_json"

// webhookHandler implements the HTTP contract of the webhook: POST only,
// bearer key, JSON body, all or nothing, and 200 only once the pipeline has
// taken every event of the request. The events of a request answered 200
// are counted then, and only then.
type webhookHandler struct {
	next      consumer.Logs     // nil when the receiver is in no logs pipeline
	counter   *counters.Counter // nil when it is in no metrics pipeline
	admission *admission
	maxBody   int64
	obsreport *receiverhelper.ObsReport
	telemetry *metadata.TelemetryBuilder
	converter *opptima.Converter
	keys      *keyChecker
	warnings  *throttledWarnings
}

func newWebhookHandler(cfg *Config, next consumer.Logs, counter *counters.Counter, obsreport *receiverhelper.ObsReport, telemetry *metadata.TelemetryBuilder, converter *opptima.Converter, warnings *throttledWarnings) *webhookHandler {
	return &webhookHandler{
		next: next, counter: counter, obsreport: obsreport, telemetry: telemetry, converter: converter,
		keys: newKeyChecker(cfg), admission: newAdmission(cfg), maxBody: cfg.maxBodySize(), warnings: warnings,
	}
}

const unauthorized = `missing or invalid API key: send the header "Authorization: Bearer <key>" with a configured key`

// refuse answers status with msg, counts the refusal by status and reason
// and logs it (throttled).
func (h *webhookHandler) refuse(w http.ResponseWriter, req *http.Request, status int, reason metadata.AttributeReason, msg string) {
	h.countRefusal(req, status, reason)
	h.warnings.refused(req, status, msg)
	h.discardBody(req)
	httperr.Write(w, status, msg)
}

// discardBody reads what is left of a refused request's body, at most
// max_request_body_size, into nothing (a 32 KiB buffer): a server that
// answers and closes while a client is still sending a large body resets
// the connection, and on a loaded machine the client sees the reset instead
// of the 401 or 503. A body already read costs nothing here.
func (h *webhookHandler) discardBody(req *http.Request) {
	_, _ = io.Copy(io.Discard, io.LimitReader(req.Body, h.maxBody))
}

// serveAlertedCountersAtZero makes the counters the alerts read exist at 0
// from the start (503s; refusals as unauthorized): Prometheus' increase()
// ignores a series' first value, so a counter that first appeared at its
// count would hide the first burst from every alert.
func (h *webhookHandler) serveAlertedCountersAtZero(ctx context.Context) {
	h.telemetry.ReceiverOpptimaRequestsRetryLater.Add(ctx, 0)
	for _, reason := range []metadata.AttributeReason{
		metadata.AttributeReasonUnauthorizedNoKey, metadata.AttributeReasonUnauthorizedNotBearer, metadata.AttributeReasonUnauthorizedUnknownKey,
	} {
		h.telemetry.ReceiverOpptimaRequestsRefused.Add(ctx, 0, refusalAttributes(http.StatusUnauthorized, reason))
	}
	h.telemetry.ReceiverOpptimaRequestsRefused.Add(ctx, 0, refusalAttributes(http.StatusServiceUnavailable, metadata.AttributeReasonRetryLater))
}

// countRefusal adds one to the requests-refused counter: the status and a
// reason from metadata.yaml's closed set, never anything the request said.
func (h *webhookHandler) countRefusal(req *http.Request, status int, reason metadata.AttributeReason) {
	h.telemetry.ReceiverOpptimaRequestsRefused.Add(req.Context(), 1, refusalAttributes(status, reason))
	if status == http.StatusServiceUnavailable {
		h.telemetry.ReceiverOpptimaRequestsRetryLater.Add(req.Context(), 1)
	}
}

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	arrived := time.Now()
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.refuse(w, req, http.StatusMethodNotAllowed, metadata.AttributeReasonMethodNotAllowed, "only POST is accepted")
		return
	}
	var account string
	if h.keys.enabled() {
		var ok bool
		if account, ok = h.keys.check(req.Header); !ok {
			w.Header().Set("WWW-Authenticate", "Bearer")
			// One answer whatever was wrong; the log and the counter say what.
			h.countRefusal(req, http.StatusUnauthorized, authReason(req.Header))
			h.warnings.refused(req, http.StatusUnauthorized, authProblem(req.Header))
			h.discardBody(req)
			httperr.Write(w, http.StatusUnauthorized, unauthorized)
			return
		}
	}
	if !isJSONContentType(req.Header.Get("Content-Type")) {
		h.refuse(w, req, http.StatusUnsupportedMediaType, metadata.AttributeReasonUnsupportedMediaType, mediaTypeProblem(req.Header.Get("Content-Type")))
		return
	}
	reserved, ok := h.admission.reserve(req, h.maxBody)
	if !ok {
		h.refuse(w, req, http.StatusServiceUnavailable, metadata.AttributeReasonRetryLater, "too many bytes are being converted at once (max_in_flight_bytes): retry later")
		return
	}
	defer func() { h.admission.release(reserved) }()
	body, err := readBody(req.Body, req.ContentLength, h.maxBody)
	if err != nil {
		if maxErr := (*http.MaxBytesError)(nil); errors.As(err, &maxErr) {
			h.refuse(w, req, http.StatusRequestEntityTooLarge, metadata.AttributeReasonTooLarge, "body is larger than max_request_body_size ("+strconv.FormatInt(h.maxBody, 10)+" bytes)")
			return
		}
		h.refuse(w, req, http.StatusBadRequest, metadata.AttributeReasonBadBody, "cannot read the body: "+err.Error())
		return
	}
	if size := int64(len(body)); size < reserved { // a body of unknown length claimed the most it could be
		h.admission.release(reserved - size)
		reserved = size
	}

	logs, err := h.converter.ToLogs(body, arrived)
	if err != nil {
		h.refuse(w, req, http.StatusBadRequest, metadata.AttributeReasonBadBody, err.Error())
		return
	}
	if account != "" {
		logs.ResourceLogs().At(0).Resource().Attributes().PutStr(opptima.AttrAccount, account)
	}

	// The counts are read from the records before they go: the pipeline
	// owns them after ConsumeLogs.
	var tally counters.Tally
	if h.counter != nil {
		tally = h.counter.Tally(logs)
	}
	count := logs.LogRecordCount()
	if h.next != nil {
		ctx := h.obsreport.StartLogsOp(req.Context())
		err = h.next.ConsumeLogs(ctx, logs)
		h.obsreport.EndLogsOp(ctx, dataFormat, count, err)
		if err != nil {
			status, reason := httperr.StatusFromConsumeError(err), metadata.AttributeReasonRetryLater
			if status != http.StatusServiceUnavailable {
				reason = metadata.AttributeReasonRejectedByPipeline
			}
			h.refuse(w, req, status, reason, "the pipeline did not take the events: "+err.Error())
			return
		}
	}
	if h.counter != nil {
		h.counter.Commit(tally)
	}
	writeAccepted(w, count)
}

// readBody reads the whole body. One that announces its length (Opptima's
// do) is read into one buffer of that size, at most max (a Content-Length
// may lie; the body limit still applies): io.ReadAll would start small and
// copy its way up, which arrays of events pay for (measured: BENCHMARKS.md's history). A
// compressed body outgrows the hint and grows as usual.
func readBody(body io.Reader, announced, max int64) ([]byte, error) {
	if announced <= 0 || announced > max {
		return io.ReadAll(body)
	}
	buf := bytes.NewBuffer(make([]byte, 0, announced+bytes.MinRead))
	_, err := buf.ReadFrom(body)
	return buf.Bytes(), err
}

// writeAccepted answers 200 {"accepted": n}.
func writeAccepted(w http.ResponseWriter, n int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(struct {
		Accepted int `json:"accepted"`
	}{n})
}

// isJSONContentType accepts an absent Content-Type (many webhook senders
// omit it) and application/json with any parameters.
func isJSONContentType(value string) bool {
	if value == "" || value == "application/json" { // the usual case, without parsing
		return true
	}
	mediaType, _, err := mime.ParseMediaType(value)
	return err == nil && mediaType == "application/json"
}

// mediaTypeProblem says what to send instead of a Content-Type that is not
// JSON.
func mediaTypeProblem(value string) string {
	mediaType, _, _ := mime.ParseMediaType(value)
	if mediaType == "application/x-www-form-urlencoded" || mediaType == "multipart/form-data" {
		return "the body is form-encoded (" + mediaType + "): Opptima webhooks are JSON; send the events as a JSON object or array with Content-Type: application/json"
	}
	return "Content-Type must be application/json (or absent), not " + strconv.Quote(value)
}

// notFound answers every path other than the webhook's, naming it.
func (h *webhookHandler) notFound(w http.ResponseWriter, req *http.Request, path string) {
	h.refuse(w, req, http.StatusNotFound, metadata.AttributeReasonNotFound, "not found: the Opptima webhook is served at POST "+path)
}

func refusalAttributes(status int, reason metadata.AttributeReason) metric.AddOption {
	return metric.WithAttributes(attribute.Int("status", status), attribute.String("reason", reason.String()))
}

// serverError keeps confighttp's own rejections (a body it cannot
// decompress, an auth extension saying no) in the same JSON shape as ours,
// and logged and counted like them.
func (h *webhookHandler) serverError(w http.ResponseWriter, req *http.Request, msg string, status int) {
	reason := metadata.AttributeReasonBadBody
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", "Bearer")
		reason = metadata.AttributeReasonUnauthorizedUnknownKey
	case http.StatusRequestEntityTooLarge:
		reason = metadata.AttributeReasonTooLarge
	case http.StatusUnsupportedMediaType:
		reason = metadata.AttributeReasonUnsupportedMediaType
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		reason = metadata.AttributeReasonRetryLater
	}
	h.refuse(w, req, status, reason, msg)
}
