// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"fmt"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// The field readers the schema (schema.go) names: each reads one payload
// field's value into the record, and keeps aside what the rest of the
// event's path needs.

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

// The readers of the schema's fields. kept and asText are given the
// attribute's name; by wraps a reader that knows its own.

// kept maps a field to key with its JSON type kept.
func kept(key string) fieldReader {
	return func(b *eventBuilder, s *scanner, _ []byte) { readValue(s, b.attrs.PutEmpty(key)) }
}

// asText maps an id-like field to a string attribute whatever its JSON
// type (relid is 123 on some pages and "123" on others).
func asText(key string) fieldReader {
	return func(b *eventBuilder, s *scanner, _ []byte) { b.putText(key, s) }
}

func by(read fieldReader) func(string) fieldReader {
	return func(string) fieldReader { return read }
}

func readGroup(b *eventBuilder, s *scanner, _ []byte) { b.group = b.putText(AttrType, s) }

func readStatus(b *eventBuilder, s *scanner, _ []byte) { b.status = b.putValue(attrStatus, s) }

func readDestination(b *eventBuilder, s *scanner, _ []byte) {
	b.destination = b.putValue(attrURLFull, s)
}

// readEventKind reads the event's kind, which names the record: it must be
// text, and a sender that sends anything else is told what to send.
func readEventKind(b *eventBuilder, s *scanner, _ []byte) {
	if c := s.next(); c != '"' {
		b.kindError = fmt.Errorf(`"event" is %s, not text: send the event's kind, such as "bounce" or "delivered"`, kindName(c))
		s.skip()
		return
	}
	b.kind = b.putText(AttrEvent, s)
}

func readRecipient(b *eventBuilder, s *scanner, _ []byte) {
	b.recipient = b.putValue(AttrToAddress, s)
	if domain := recipientDomain(b.recipient); domain != "" {
		b.attrs.PutStr(AttrToDomain, domain)
	}
}

// readResponse keeps a text reply as sent and an array or object (certified
// emails) as compact JSON, since backends index one string best.
func readResponse(b *eventBuilder, s *scanner, _ []byte) {
	if s.next() == '"' {
		b.response = string(s.stringBytes())
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

// readTimestamp sets the record time from the event's timestamp: text in
// Opptima's wall time or a near form, or epoch seconds or milliseconds as a
// number. A value it cannot read is kept in opptima.timestamp, JSON type
// and all, and the record gets the arrival time (appendRecord); the event
// is still accepted.
func readTimestamp(b *eventBuilder, s *scanner, _ []byte) {
	if s.next() == '"' {
		text := s.stringBytes()
		if t, ok := parseTimestamp(text, b.loc); ok {
			b.timestamp, b.hasTimestamp = t, true
			return
		}
		b.attrs.PutStr(attrTimestamp, string(text))
		b.unreadableTime = true
		return
	}
	v := b.attrs.PutEmpty(attrTimestamp)
	readValue(s, v)
	if v.Type() == pcommon.ValueTypeInt || v.Type() == pcommon.ValueTypeDouble {
		if t, ok := parseEpoch(v.AsString()); ok {
			b.attrs.Remove(attrTimestamp)
			b.timestamp, b.hasTimestamp = t.UTC(), true
			return
		}
	}
	b.unreadableTime = true
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
