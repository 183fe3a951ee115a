package opptima

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// ServiceName is the service.name of every resource this receiver emits.
const ServiceName = "opptima"

// Options configure a Converter.
type Options struct {
	// Location is the zone Opptima's timestamps are written in.
	Location *time.Location
	// RawPayload keeps each event's original JSON in log.record.original.
	RawPayload bool
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

// Outcome is what the receiver's counters need of one event: its fields as
// sent (the counters bound them) and, for a bounce, its analysis.
type Outcome struct {
	Event, Type    string // "event" and "type"
	Domain         string // the recipient's domain, lower-cased; "" when none
	Bounce         bool
	BounceType     string
	BounceReason   string
	BounceCategory string
}

// ToLogs converts a webhook body holding one event object or an array of
// them into one ResourceLogs with one record per event. observed is when
// the request arrived. It is all or nothing: on error no logs are returned.
func (c *Converter) ToLogs(body []byte, observed time.Time) (plog.Logs, error) {
	return c.Convert(body, observed, nil)
}

// Convert is ToLogs that also appends each event's Outcome to outcomes,
// when it is not nil. On error what it appended must be dropped.
func (c *Converter) Convert(body []byte, observed time.Time, outcomes *[]Outcome) (plog.Logs, error) {
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
		eventErr = appendRecord(&c.opts, s, records.AppendEmpty(), observedAt, &width, outcomes)
	case '[':
		for i, ok := 0, s.element(true); ok; i, ok = i+1, s.element(false) {
			if kind := s.next(); eventErr == nil && kind != '{' {
				eventErr = fmt.Errorf("element %d of the array is %s, not an event object", i, kindName(kind))
			}
			if eventErr != nil {
				s.skip() // keep checking the syntax of the rest
				continue
			}
			if err := appendRecord(&c.opts, s, records.AppendEmpty(), observedAt, &width, outcomes); err != nil {
				eventErr = fmt.Errorf("event %d: %w", i, err)
			}
		}
		if s.err == nil && eventErr == nil && records.Len() == 0 {
			eventErr = errors.New("the array holds no events")
		}
	case 0:
		return plog.NewLogs(), errors.New("body is empty: expected an event object or an array of them")
	default:
		if kind := kindName(first); kind != notJSON {
			return plog.NewLogs(), fmt.Errorf("body is %s: expected an event object or an array of them", kind)
		}
		return plog.NewLogs(), errors.New("body is not valid JSON")
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

// documentedEventNames holds the event names of every documented group and
// kind, so the common case costs a lookup instead of three allocations.
var documentedEventNames = func() map[[2]string]string {
	names := map[[2]string]string{}
	for _, group := range []string{"SMTP", "Email marketing"} {
		for _, kind := range []string{"bounce", "delivered", "sent", "click"} {
			names[[2]string{group, kind}] = buildEventName(group, kind)
		}
	}
	return names
}()

// eventName is opptima.<group>.<event>: "opptima.email_marketing.click".
func eventName(group, kind string) string {
	if name, ok := documentedEventNames[[2]string{group, kind}]; ok {
		return name
	}
	return buildEventName(group, kind)
}

func buildEventName(group, kind string) string {
	return "opptima." + nameSegment(firstNonEmpty(group, "unknown")) + "." + nameSegment(kind)
}

// nameSegment turns "Email marketing" into "email_marketing".
func nameSegment(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
}
