// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/opptimaotel/opptimareceiver/internal/bounce"
)

// ServiceName is the service.name of every resource this receiver emits.
const ServiceName = "opptima"

// UnreadableTime is an event whose timestamp could not be read: the value
// sent, and what identifies the event (each empty when the event has none).
type UnreadableTime struct {
	Value, RelID, MessageID, UID string
}

// Options configure a Converter.
type Options struct {
	// Location is the zone Opptima's timestamps are written in.
	Location *time.Location
	// RawPayload keeps each event's original JSON in log.record.original.
	RawPayload bool
	// Bounce reads bounces with users' rules first; nil means the built-in
	// rules alone.
	Bounce *bounce.Classifier
	// OnUnreadableTime, when set, is told of each timestamp that could not
	// be read (the record then has the arrival time).
	OnUnreadableTime func(UnreadableTime)
	// ScopeName and ScopeVersion name the instrumentation scope.
	ScopeName, ScopeVersion string
}

// Converter turns webhook bodies into logs. It holds no per-request state
// and is safe for concurrent use.
type Converter struct {
	opts Options
}

// NewConverter returns a Converter; a nil Location means UTC.
func NewConverter(opts Options) *Converter {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	return &Converter{opts: opts}
}

// ToLogs converts a webhook body holding one event object or an array of
// them into one ResourceLogs with one record per event. observed is when
// the request arrived. It is all or nothing: on error no logs are returned.
func (c *Converter) ToLogs(body []byte, observed time.Time) (plog.Logs, error) {
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", ServiceName)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(c.opts.ScopeName)
	sl.Scope().SetVersion(c.opts.ScopeVersion)
	records := sl.LogRecords()
	observedAt := pcommon.NewTimestampFromTime(observed)

	s := &scanner{data: body}
	var eventErr error
	width := 0 // attributes of the previous event: see appendRecord
	switch first := s.next(); first {
	case '{':
		eventErr = appendRecord(&c.opts, s, records.AppendEmpty(), observedAt, &width)
	case '[':
		for i, ok := 0, s.element(true); ok; i, ok = i+1, s.element(false) {
			if kind := s.next(); eventErr == nil && kind != '{' {
				eventErr = fmt.Errorf("element %d of the array is %s, not an event object", i, kindName(kind))
			}
			if eventErr != nil {
				s.skip() // keep checking the syntax of the rest
				continue
			}
			if err := appendRecord(&c.opts, s, records.AppendEmpty(), observedAt, &width); err != nil {
				eventErr = fmt.Errorf("event %d: %w", i, err)
			}
		}
		if s.err == nil && eventErr == nil && records.Len() == 0 {
			eventErr = errors.New("the array holds no events")
		}
	case 0:
		return plog.NewLogs(), errors.New("body is empty: expected an event object or an array of them")
	default:
		return plog.NewLogs(), notAnEvent(body, s, first)
	}
	switch {
	case errors.Is(s.err, errNotUTF8), errors.Is(s.err, errTooManyMembers):
		return plog.NewLogs(), s.err
	case s.err != nil:
		return plog.NewLogs(), fmt.Errorf("body is not valid JSON: %w", s.err)
	case eventErr != nil:
		return plog.NewLogs(), eventErr
	case !s.atEnd():
		return plog.NewLogs(), errors.New("body is not valid JSON: unexpected data after the top-level value")
	}
	return logs, nil
}

// notAnEvent explains a body that does not start with an object or an
// array, in the sender's words: the kind of JSON it is, or that it is not
// JSON at all (a form-encoded body said so), and where it starts.
func notAnEvent(body []byte, s *scanner, first byte) error {
	if kind := kindName(first); kind != notJSON {
		s.skip()
		if s.err == nil && s.atEnd() {
			return fmt.Errorf("body is %s: expected an event object or an array of them", kind)
		}
	}
	if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		return errors.New("body starts with a byte order mark (U+FEFF): send the JSON without it")
	}
	start := bytes.TrimSpace(body)
	if len(start) > 32 {
		start = start[:32]
	}
	if isFormEncoded(body) {
		return fmt.Errorf("body is form-encoded (%q…), not JSON: send the events as a JSON object or array with Content-Type: application/json", start)
	}
	return fmt.Errorf("body is not JSON (it starts %q): send the events as a JSON object or array", start)
}

// isFormEncoded reports whether body reads as name=value pairs joined by &.
func isFormEncoded(body []byte) bool {
	pairs := bytes.Split(bytes.TrimSpace(body), []byte("&"))
	for _, pair := range pairs {
		name, _, ok := bytes.Cut(pair, []byte("="))
		if !ok || len(name) == 0 || bytes.ContainsAny(name, " {}[]\"") {
			return false
		}
	}
	return true
}
