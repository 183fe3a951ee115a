package opptima

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	jsoniter "github.com/json-iterator/go"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// serviceName is the service.name of every resource this receiver emits.
const serviceName = "opptima"

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

// ToLogs converts a webhook body holding one event object or an array of
// them into one ResourceLogs with one record per event. observed is when
// the request arrived. It is all or nothing: on error no logs are returned.
func (c *Converter) ToLogs(body []byte, observed time.Time) (plog.Logs, error) {
	events, err := splitEvents(body)
	if err != nil {
		return plog.NewLogs(), err
	}
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", serviceName)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(c.opts.ScopeName)
	sl.Scope().SetVersion(c.opts.ScopeVersion)
	records := sl.LogRecords()
	records.EnsureCapacity(len(events))
	observedAt := pcommon.NewTimestampFromTime(observed)
	for i, raw := range events {
		if err := c.appendRecord(records.AppendEmpty(), raw, observedAt); err != nil {
			if len(events) == 1 {
				return plog.NewLogs(), err
			}
			return plog.NewLogs(), fmt.Errorf("event %d: %w", i, err)
		}
	}
	return logs, nil
}

func (c *Converter) appendRecord(rec plog.LogRecord, raw []byte, observed pcommon.Timestamp) error {
	rec.SetObservedTimestamp(observed)
	b := eventBuilder{attrs: rec.Attributes(), loc: c.opts.Location}
	b.attrs.EnsureCapacity(16)

	it := jsonAPI.BorrowIterator(raw)
	defer jsonAPI.ReturnIterator(it)
	it.ReadMapCB(func(it *jsoniter.Iterator, name string) bool {
		readField(&b, it, name)
		return it.Error == nil
	})
	if it.Error != nil {
		return fmt.Errorf("not valid JSON: %s", shortError(it.Error))
	}
	if b.kind == "" {
		return errors.New(`"event" is missing or empty: not an Opptima event`)
	}

	rec.SetEventName("opptima." + nameSegment(firstNonEmpty(b.group, "unknown")) + "." + nameSegment(b.kind))
	if b.hasTimestamp {
		rec.SetTimestamp(pcommon.NewTimestampFromTime(b.timestamp))
	}
	if reply := parseSMTPReply(b.response); reply.code != 0 {
		b.attrs.PutInt(attrSMTPCode, int64(reply.code))
		if reply.enhanced != "" {
			b.attrs.PutStr(attrSMTPEnhanced, reply.enhanced)
		}
	}
	routeEvent(&b, rec)
	b.attrs.PutStr(attrRecordUID, eventUID(raw))
	if c.opts.RawPayload {
		b.attrs.PutStr(attrRecordOriginal, string(raw))
	}
	return nil
}

// eventUID is a deterministic id of an event: the same bytes resent by
// Opptima give the same id, so backends can drop retried duplicates.
func eventUID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16])
}

// nameSegment turns "Email marketing" into "email_marketing".
func nameSegment(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
}
