// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
)

// Every refused webhook and every event time that could not be read is
// logged at warn, so that a user whose Opptima integration fails sees why
// on our side. A flood (a misconfigured sender retrying in a loop, a scan)
// must not fill the disk: at most warnBurst lines per warnWindow are
// written, and the next line written says how many were left out. Each
// kind of line has a budget of its own: a change of Opptima's time format
// must not hide the refusals.
const (
	warnBurst  = 10
	warnWindow = 10 * time.Second
)

// throttledWarnings writes warn lines within the budget above.
type throttledWarnings struct {
	logger *zap.Logger
	now    func() time.Time // time.Now; tests move it

	mu         sync.Mutex
	windowEnds time.Time
	written    int
	suppressed int
}

func newThrottledWarnings(logger *zap.Logger) *throttledWarnings {
	return &throttledWarnings{logger: logger, now: time.Now}
}

// warn writes msg with fields unless the window's budget is spent.
func (w *throttledWarnings) warn(msg string, fields ...zap.Field) {
	w.mu.Lock()
	now := w.now()
	if now.After(w.windowEnds) {
		w.windowEnds, w.written = now.Add(warnWindow), 0
	}
	if w.written >= warnBurst {
		w.suppressed++
		w.mu.Unlock()
		return
	}
	w.written++
	if w.suppressed > 0 {
		fields = append(fields, zap.Int("suppressed_before", w.suppressed))
		w.suppressed = 0
	}
	w.mu.Unlock()
	w.logger.Warn(msg, fields...)
}

// unreadableTime logs an event time that could not be read: the event was
// taken with the arrival time as its time. The ids say which event.
func (w *throttledWarnings) unreadableTime(t opptima.UnreadableTime) {
	value := t.Value
	if len(value) > 64 {
		value = value[:64] + "…"
	}
	w.warn("Opptima event time could not be read: the record has the arrival time, the value is kept in opptima.timestamp",
		zap.String("field", "timestamp"), zap.String("value", value),
		zap.String("relid", t.RelID), zap.String("msgid", t.MessageID), zap.String("uid", t.UID))
}

// refused logs a webhook answered with an error: the status, why, and who
// sent it. Never a header's value: the key must not reach the logs.
func (w *throttledWarnings) refused(req *http.Request, status int, reason string) {
	w.warn("Opptima webhook refused",
		zap.Int("status", status),
		zap.String("reason", reason),
		zap.String("remote", req.RemoteAddr),
		zap.String("method", req.Method),
		zap.String("path", req.URL.Path),
		zap.Int64("content_length", req.ContentLength),
		zap.String("user_agent", req.UserAgent()))
}
