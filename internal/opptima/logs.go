package opptima

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/opptimaotel/opptimareceiver/internal/bounce"
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
		eventErr = c.appendRecord(s, records.AppendEmpty(), observedAt, &width, outcomes)
	case '[':
		for i, ok := 0, s.element(true); ok; i, ok = i+1, s.element(false) {
			if kind := s.next(); eventErr == nil && kind != '{' {
				eventErr = fmt.Errorf("element %d of the array is %s, not an event object", i, kindName(kind))
			}
			if eventErr != nil {
				s.skip() // keep checking the syntax of the rest
				continue
			}
			if err := c.appendRecord(s, records.AppendEmpty(), observedAt, &width, outcomes); err != nil {
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

// defaultWidth is the attribute capacity of a record: a documented bounce
// has 17 attributes.
const defaultWidth = 20

// appendRecord reads one event object into rec. A syntax error is left in
// s.err for the caller; a well-formed object that is not an event is an error.
//
// width carries the attribute count of the request's previous event (0 for
// the first) to size this one, and is updated: a batch is usually of one
// shape, and a fixed capacity would make a body of tiny events
// ({"event":"x"}) hold room for attributes it never fills.
func (c *Converter) appendRecord(s *scanner, rec plog.LogRecord, observed pcommon.Timestamp, width *int, outcomes *[]Outcome) error {
	rec.SetObservedTimestamp(observed)
	b := eventBuilder{attrs: rec.Attributes(), loc: c.opts.Location}
	b.attrs.EnsureCapacity(cmp.Or(*width, defaultWidth))

	start, members := s.pos, 0
	for name, ok := s.member(true); ok && s.admitMember(&members); name, ok = s.member(false) {
		readField(&b, s, name)
	}
	if s.err != nil {
		return nil
	}
	raw := s.data[start:s.pos]
	if b.kind == "" {
		return errors.New(`"event" is missing or empty: not an Opptima event`)
	}

	rec.SetEventName(eventName(b.group, b.kind))
	if b.hasTimestamp {
		rec.SetTimestamp(pcommon.NewTimestampFromTime(b.timestamp))
	}
	b.reply = bounce.ParseReply(b.response)
	if b.reply.Code != 0 {
		b.attrs.PutInt(attrSMTPCode, int64(b.reply.Code))
		if b.reply.Enhanced != "" {
			b.attrs.PutStr(attrSMTPEnhanced, b.reply.Enhanced)
		}
	}
	routeEvent(&b, rec)
	b.attrs.PutStr(attrRecordUID, eventUID(s, raw))
	if c.opts.RawPayload {
		b.attrs.PutStr(attrRecordOriginal, string(raw))
	}
	if outcomes != nil {
		*outcomes = append(*outcomes, b.outcome())
	}
	*width = b.attrs.Len()
	return nil
}

// eventUID is a deterministic id of an event: the same bytes resent by
// Opptima give the same id, so backends can drop retried duplicates.
func eventUID(s *scanner, raw []byte) string {
	sum := sha256.Sum256(raw)
	var text [32]byte
	hex.Encode(text[:], sum[:16])
	return s.str(text[:])
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
