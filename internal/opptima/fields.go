package opptima

import (
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/opptimaotel/opptimareceiver/internal/bounce"
)

// eventBuilder accumulates one event while its fields are read: attributes
// go straight into the record; the few values the event router and the
// derived attributes need are kept aside as text.
type eventBuilder struct {
	attrs pcommon.Map
	loc   *time.Location

	group, kind  string // "type" and "event"
	status       string
	response     string       // the reply when it is text; certified arrays are not
	responseText string       // the reply as text, certified arrays as their JSON
	reply        bounce.Reply // read from response once all fields are in
	recipient    string
	domain       string // the recipient's, lower-cased
	isBounce     bool
	bounce       bounce.Analysis // when isBounce
	destination  string
	timestamp    time.Time
	hasTimestamp bool
	names        keyNames
}

// fieldReader maps one payload field onto the record.
type fieldReader func(b *eventBuilder, s *scanner, name []byte)

// knownField is a documented field: the attribute it fills and how.
type knownField struct {
	key  string
	read fieldReader
}

// knownFields lists every field Opptima documents. Any other field goes
// through readOtherField, so nothing is ever dropped.
var knownFields = map[string]knownField{
	"type":           {attrType, func(b *eventBuilder, s *scanner, _ []byte) { b.group = b.putText(attrType, s) }},
	"event":          {attrEvent, func(b *eventBuilder, s *scanner, _ []byte) { b.kind = b.putText(attrEvent, s) }},
	"status":         {attrStatus, func(b *eventBuilder, s *scanner, _ []byte) { b.status = b.putValue(attrStatus, s) }},
	"to":             {attrToAddress, readRecipient},
	"email":          {attrToAddress, readRecipient},
	"sender":         keepAs(attrFromAddress),
	"subject":        keepAs(attrSubject),
	"msgid":          keepAs(attrMessageID),
	"ip":             keepAs(attrClientAddress),
	"origin":         keepAs(attrOrigin),
	"certifiedEmail": keepAs(attrCertified),
	"relid":          keepAsText(attrRelID),
	"campid":         keepAsText(attrCampaignID),
	"campaignName":   keepAsText(attrCampaignName),
	"contactid":      keepAsText(attrContactID),
	"contactId":      keepAsText(attrContactID),
	"response":       {attrResponse, readResponse},
	"custom_headers": {"", readCustomHeaders},
	"timestamp":      {attrTimestamp, readTimestamp},
	"destination":    {attrURLFull, func(b *eventBuilder, s *scanner, _ []byte) { b.destination = b.putValue(attrURLFull, s) }},
	"latitude":       keepAs(attrGeoLat),
	"longitude":      keepAs(attrGeoLon),
	"cityName":       keepAs(attrGeoLocality),
	"browser":        keepAs(attrUserAgentName),
}

// readField maps one field. When its attribute is already filled (the same
// key sent twice, or both to and email), the first value keeps the
// attribute and this one is kept under its own name: nothing is dropped.
func readField(b *eventBuilder, s *scanner, name []byte) {
	field, ok := knownFields[string(name)] // no allocation for the lookup
	if !ok || b.claimed(field.key) {
		readOtherField(b, s, name)
		return
	}
	field.read(b, s, name)
}

// readOtherField keeps a field this receiver does not know, JSON type and
// all, as opptima.<snake_case name>.
func readOtherField(b *eventBuilder, s *scanner, name []byte) {
	readValue(s, b.names.put(b.attrs, otherFieldKey(name), reservedNames))
}

// keepAs maps a field to key with its JSON type kept.
func keepAs(key string) knownField {
	return knownField{key, func(b *eventBuilder, s *scanner, _ []byte) { readValue(s, b.attrs.PutEmpty(key)) }}
}

// keepAsText maps an id-like field to a string attribute whatever its JSON
// type (relid is 123 on some pages and "123" on others).
func keepAsText(key string) knownField {
	return knownField{key, func(b *eventBuilder, s *scanner, _ []byte) { b.putText(key, s) }}
}

func readRecipient(b *eventBuilder, s *scanner, _ []byte) {
	b.recipient = b.putValue(attrToAddress, s)
	if domain := recipientDomain(b.recipient); domain != "" {
		b.attrs.PutStr(attrToDomain, domain)
		b.domain = domain
	}
}

// readResponse keeps a text reply as sent and an array or object (certified
// emails) as compact JSON, since backends index one string best.
func readResponse(b *eventBuilder, s *scanner, _ []byte) {
	if s.next() == '"' {
		b.response = s.str(s.stringBytes())
		b.responseText = b.response
		b.attrs.PutStr(attrResponse, b.response)
		return
	}
	b.responseText = b.putText(attrResponse, s)
}

// readCustomHeaders flattens the headers object into one attribute per
// header.
func readCustomHeaders(b *eventBuilder, s *scanner, name []byte) {
	if s.next() != '{' {
		readOtherField(b, s, name)
		return
	}
	members := 0
	for header, ok := s.member(true); ok && s.admitMember(&members); header, ok = s.member(false) {
		readValue(s, b.names.put(b.attrs, customHeaderKey(header), nil))
	}
}

// readTimestamp sets the record time from Opptima's local timestamp. When
// the value is missing or unreadable the raw value is kept in
// opptima.timestamp and the event is still accepted.
func readTimestamp(b *eventBuilder, s *scanner, _ []byte) {
	if s.next() == '"' {
		text := s.stringBytes()
		if t, ok := parseTimestamp(text, b.loc); ok {
			b.timestamp, b.hasTimestamp = t, true
			return
		}
		b.attrs.PutStr(attrTimestamp, string(text))
		return
	}
	readValue(s, b.attrs.PutEmpty(attrTimestamp))
}

// outcome is what the counters need of this event, once it is finished.
func (b *eventBuilder) outcome() Outcome {
	return Outcome{
		Event: b.kind, Type: b.group, Domain: b.domain,
		Bounce: b.isBounce, BounceType: b.bounce.Type, BounceCategory: b.bounce.Category,
	}
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

// recipientDomain returns the lower-cased domain of an address such as
// "user@Example.COM" or "Name <user@example.com>", or "" when it has none.
func recipientDomain(address string) string {
	if open := strings.LastIndexByte(address, '<'); open >= 0 {
		address = strings.TrimSuffix(address[open+1:], ">")
	}
	at := strings.LastIndexByte(address, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(address[at+1:]))
}
