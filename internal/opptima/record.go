// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/opptimaotel/opptimareceiver/internal/bounce"
)

// defaultWidth is the attribute capacity of a record: a documented bounce
// has 17 attributes.
const defaultWidth = 20

// appendRecord is one event's whole path: it reads the event's fields into
// an eventBuilder (the readers of fields.go, chosen by the table in
// schema.go), then finishes the record: time, event name, SMTP reply,
// severity and body by kind, uid. It reads one event object into rec. A
// syntax error is left in s.err for the caller; a well-formed object that
// is not an event is an error.
//
// width carries the attribute count of the request's previous event (0 for
// the first) to size this one, and is updated: a batch is usually of one
// shape, and a fixed capacity would make a body of tiny events
// ({"event":"x"}) hold room for attributes it never fills.
func appendRecord(opts *Options, s *scanner, rec plog.LogRecord, observed pcommon.Timestamp, width *int) error {
	rec.SetObservedTimestamp(observed)
	b := eventBuilder{attrs: rec.Attributes(), loc: opts.Location, classifier: opts.Bounce}
	b.attrs.EnsureCapacity(cmp.Or(*width, defaultWidth))

	start, members := s.pos, 0
	for name, ok := s.member(true); ok && s.admitMember(&members); name, ok = s.member(false) {
		readField(&b, s, name)
	}
	if s.err != nil {
		return nil
	}
	raw := s.data[start:s.pos]
	if b.kindError != nil {
		return b.kindError
	}
	if b.kind == "" {
		return errors.New(`"event" is missing or empty: not an Opptima event`)
	}

	rec.SetEventName(eventName(b.group, b.kind))
	if b.hasTimestamp {
		rec.SetTimestamp(pcommon.NewTimestampFromTime(b.timestamp))
	} else {
		// A record never has no time: the arrival time stands in, and
		// opptima.timestamp keeps what was sent when it could not be read.
		rec.SetTimestamp(observed)
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
	if b.unreadableTime && opts.OnUnreadableTime != nil {
		opts.OnUnreadableTime(UnreadableTime{
			Value: attrText(b.attrs, attrTimestamp), RelID: attrText(b.attrs, attrRelID),
			MessageID: attrText(b.attrs, attrMessageID), UID: attrText(b.attrs, attrRecordUID),
		})
	}
	if opts.RawPayload {
		b.attrs.PutStr(attrRecordOriginal, string(raw))
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
	return string(text[:])
}

// eventBuilder accumulates one event while its fields are read: attributes
// go straight into the record; the few values the event router and the
// derived attributes need are kept aside as text.
type eventBuilder struct {
	attrs      pcommon.Map
	loc        *time.Location
	classifier *bounce.Classifier // nil: the built-in rules alone

	group, kind    string // "type" and "event"
	kindError      error  // "event" was not text
	status         string
	response       string       // the reply when it is text; certified arrays are not
	responseText   string       // the reply as text, certified arrays as their JSON
	reply          bounce.Reply // read from response once all fields are in
	recipient      string
	bounce         bounce.Analysis // for a bounce
	destination    string
	timestamp      time.Time
	hasTimestamp   bool
	unreadableTime bool // a timestamp was sent that could not be read
	names          keyNames
}

// putValue writes the next value under key with its type kept, and returns
// it as text when it is a string.
func (b *eventBuilder) putValue(key string, s *scanner) string {
	v := b.attrs.PutEmpty(key)
	readValue(s, v)
	if v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}

// putText writes the next value under key as a string and returns it.
func (b *eventBuilder) putText(key string, s *scanner) string {
	text, ok := readText(s)
	if ok {
		b.attrs.PutStr(key, text)
	}
	return text
}

// claimed reports whether key already holds a value of this event. A
// readable timestamp fills the record's time, not an attribute.
func (b *eventBuilder) claimed(key string) bool {
	if key == "" {
		return false
	}
	if key == attrTimestamp && b.hasTimestamp {
		return true
	}
	_, ok := b.attrs.Get(key)
	return ok
}

// kindHandler finishes a record once all fields are read: severity, the
// one-line body, and any attribute that only makes sense for that kind.
type kindHandler func(b *eventBuilder, rec plog.LogRecord)

// kindHandlers has one small handler per event kind that needs its own;
// delivered, sent and any kind not documented yet share finishOther, so
// new kinds still arrive.
var kindHandlers = map[string]kindHandler{
	"bounce": finishBounce,
	"click":  finishClick,
}

func routeEvent(b *eventBuilder, rec plog.LogRecord) {
	if finish, ok := kindHandlers[nameSegment(b.kind)]; ok {
		finish(b, rec)
		return
	}
	finishOther(b, rec)
}

// finishBounce: "Rebote duro: 550 5.5.0 Requested action not taken: ...",
// with the bounce's type, reason and category. Hard bounces are ERROR and
// soft ones WARN; a bounce that neither the status nor the reply code
// classifies is WARN too, so that "severity >= WARN" finds every bounce.
func finishBounce(b *eventBuilder, rec plog.LogRecord) {
	b.bounce = b.classifier.Analyze(b.status, b.reply, b.responseText)
	b.attrs.PutStr(AttrBounceType, b.bounce.Type)
	b.attrs.PutStr(AttrBounceReason, b.bounce.Reason)
	b.attrs.PutStr(AttrBounceCategory, b.bounce.Category)
	b.attrs.PutStr(attrBounceRule, b.bounce.Rule)
	if b.bounce.Type == bounce.TypeHard {
		setSeverity(rec, plog.SeverityNumberError)
	} else {
		setSeverity(rec, plog.SeverityNumberWarn)
	}
	setBody(rec, b.label(), firstNonEmpty(b.response, b.recipient))
}

// finishClick: "click: https://example.com/offer".
func finishClick(b *eventBuilder, rec plog.LogRecord) {
	setSeverity(rec, plog.SeverityNumberInfo)
	setBody(rec, b.label(), firstNonEmpty(b.destination, b.recipient))
}

// finishOther: delivered ("Entregado: test@testdomain.com"), sent, and
// kinds not documented yet: "<status or event>: <recipient>", INFO.
func finishOther(b *eventBuilder, rec plog.LogRecord) {
	setSeverity(rec, plog.SeverityNumberInfo)
	setBody(rec, b.label(), b.recipient)
}

// label is the Spanish status when Opptima sent one, else the event kind.
func (b *eventBuilder) label() string {
	return firstNonEmpty(b.status, b.kind)
}

// severityText is the conventional upper-case text of each number we use.
var severityText = map[plog.SeverityNumber]string{
	plog.SeverityNumberInfo:  "INFO",
	plog.SeverityNumberWarn:  "WARN",
	plog.SeverityNumberError: "ERROR",
}

func setSeverity(rec plog.LogRecord, n plog.SeverityNumber) {
	rec.SetSeverityNumber(n)
	rec.SetSeverityText(severityText[n])
}

func setBody(rec plog.LogRecord, label, detail string) {
	if detail == "" {
		rec.Body().SetStr(label)
		return
	}
	rec.Body().SetStr(label + ": " + detail)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// attrText is an attribute's value as text, "" when it is absent.
func attrText(attrs pcommon.Map, name string) string {
	if v, ok := attrs.Get(name); ok {
		return v.AsString()
	}
	return ""
}
