// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"errors"
	"fmt"
)

// scanner is a small strict JSON reader over one request body. It exists
// for speed: it reads each event once, hands out field names as byte slices
// (so looking them up allocates nothing) and lets the mapper write
// attributes straight from the payload. BENCHMARKS.md says why it was
// chosen over encoding/json and json-iterator.
//
// It accepts exactly RFC 8259 JSON; the first error stops it and is kept in
// err, after which every read returns zero values. What it hands out
// aliases the body; a value kept in a record is copied (string(b)): the
// logs must not alias the body, which the HTTP server reuses.
type scanner struct {
	data  []byte
	pos   int
	depth int
	err   error
}

// maxDepth bounds nesting, so a hostile body cannot exhaust the stack.
const maxDepth = 512

var errNestedTooDeep = fmt.Errorf("JSON nested deeper than %d levels", maxDepth)

// maxObjectMembers bounds the members of one object that becomes a map.
// pdata finds a key by searching the whole map, so building a map costs the
// square of its width: without a bound, one very wide object in a 20 MiB
// body would hold a core for hours. 256 is ten times the widest documented
// event.
const maxObjectMembers = 256

var errTooManyMembers = fmt.Errorf("an object in the body has more than %d members", maxObjectMembers)

// admitMember counts one more member of the object being mapped and stops
// the scanner, with errTooManyMembers, past maxObjectMembers.
func (s *scanner) admitMember(count *int) bool {
	if *count++; *count > maxObjectMembers {
		s.err, s.pos = errTooManyMembers, len(s.data)
		return false
	}
	return true
}

func (s *scanner) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf("at byte %d: "+format, append([]any{s.pos}, args...)...)
	}
	s.pos = len(s.data)
}

// next skips white space and returns the next byte without consuming it,
// or 0 at the end.
func (s *scanner) next() byte {
	for s.pos < len(s.data) {
		switch c := s.data[s.pos]; c {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return c
		}
	}
	return 0
}

func (s *scanner) expect(c byte) bool {
	if s.next() != c {
		if s.pos >= len(s.data) {
			s.fail("unexpected end of input, expected %q", c)
		} else {
			s.fail("expected %q, found %q", c, s.data[s.pos])
		}
		return false
	}
	s.pos++
	return true
}

// member steps through the object that comes next, without closures (they
// would allocate on this hot path):
//
//	for name, ok := s.member(true); ok; name, ok = s.member(false) {
//		// read the member's value
//	}
//
// The first call consumes '{'. Each call returns the next member's name,
// positioned on its value, or false at '}' or on error. Names are only
// valid until the next read.
func (s *scanner) member(first bool) ([]byte, bool) {
	if first {
		if !s.enter('{') {
			return nil, false
		}
		if s.next() == '}' {
			s.pos++
			s.leave()
			return nil, false
		}
	} else {
		switch s.next() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			s.leave()
			return nil, false
		default:
			s.fail("expected ',' or '}' after an object member")
			return nil, false
		}
	}
	name := s.stringBytes()
	if !s.expect(':') {
		return nil, false
	}
	return name, true
}

// element steps through the array that comes next, like member:
//
//	for ok := s.element(true); ok; ok = s.element(false) { /* read it */ }
func (s *scanner) element(first bool) bool {
	if first {
		if !s.enter('[') {
			return false
		}
		if s.next() == ']' {
			s.pos++
			s.leave()
			return false
		}
		return true
	}
	switch s.next() {
	case ',':
		s.pos++
		return true
	case ']':
		s.pos++
		s.leave()
		return false
	default:
		s.fail("expected ',' or ']' after an array element")
		return false
	}
}

func (s *scanner) enter(open byte) bool {
	if s.depth++; s.depth > maxDepth {
		s.err, s.pos = errNestedTooDeep, len(s.data)
		return false
	}
	return s.expect(open)
}

func (s *scanner) leave() { s.depth-- }

// number reads a number and returns its text; isInt is false when it has a
// fraction or an exponent.
func (s *scanner) number() (text []byte, isInt bool) {
	start := s.pos
	isInt = true
	if s.pos < len(s.data) && s.data[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(s.data) && s.data[s.pos] == '0':
		s.pos++
	case s.pos < len(s.data) && s.data[s.pos] >= '1' && s.data[s.pos] <= '9':
		s.digits()
	default:
		s.fail("invalid number")
		return nil, false
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		isInt = false
		if !s.digits() {
			s.fail("invalid number")
			return nil, false
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		isInt = false
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if !s.digits() {
			s.fail("invalid number")
			return nil, false
		}
	}
	return s.data[start:s.pos], isInt
}

func (s *scanner) digits() bool {
	start := s.pos
	for s.pos < len(s.data) && s.data[s.pos] >= '0' && s.data[s.pos] <= '9' {
		s.pos++
	}
	return s.pos > start
}

// literal reads true, false or null.
func (s *scanner) literal(word string) {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		s.fail("invalid literal")
		return
	}
	s.pos += len(word)
}

// skip reads and discards the next value, checking it.
func (s *scanner) skip() {
	switch s.next() {
	case '{':
		for _, ok := s.member(true); ok; _, ok = s.member(false) {
			s.skip()
		}
	case '[':
		for ok := s.element(true); ok; ok = s.element(false) {
			s.skip()
		}
	case '"':
		s.stringBytes()
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	case 0:
		s.fail("unexpected end of input")
	default:
		s.number()
	}
}

// atEnd reports whether only white space is left.
func (s *scanner) atEnd() bool { return s.next() == 0 && s.pos >= len(s.data) }

var errNotUTF8 = errors.New("body is not valid UTF-8")
