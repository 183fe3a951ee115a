// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// readValue reads the next JSON value into dst, keeping its JSON type: objects
// become maps, arrays slices, integers Int, other numbers Double, and null
// leaves dst empty.
func readValue(s *scanner, dst pcommon.Value) {
	switch s.next() {
	case '"':
		dst.SetStr(textOf(s.stringBytes()))
	case '{':
		m := dst.SetEmptyMap()
		var names keyNames
		members := 0
		for name, ok := s.member(true); ok && s.admitMember(&members); name, ok = s.member(false) {
			readValue(s, names.put(m, string(name), nil))
		}
	case '[':
		slice := dst.SetEmptySlice()
		for ok := s.element(true); ok; ok = s.element(false) {
			readValue(s, slice.AppendEmpty())
		}
	case 't':
		s.literal("true")
		dst.SetBool(true)
	case 'f':
		s.literal("false")
		dst.SetBool(false)
	case 'n':
		s.literal("null")
	case 0:
		s.fail("unexpected end of input")
	default:
		text, isInt := s.number()
		setNumber(dst, text, isInt)
	}
}

// setNumber keeps integers exact. A number that fits neither int64 nor a
// finite float64 (1e400) is kept as its literal text rather than lost.
func setNumber(dst pcommon.Value, text []byte, isInt bool) {
	if isInt {
		if i, err := strconv.ParseInt(string(text), 10, 64); err == nil {
			dst.SetInt(i)
			return
		}
	}
	if f, err := strconv.ParseFloat(string(text), 64); err == nil && !math.IsInf(f, 0) {
		dst.SetDouble(f)
		return
	}
	dst.SetStr(string(text))
}

// readText reads a value as text: strings as they are, numbers and booleans as
// written. Objects and arrays become compact JSON, so an odd shape is kept
// rather than dropped. ok is false for null.
func readText(s *scanner) (text string, ok bool) {
	switch c := s.next(); c {
	case '"':
		return textOf(s.stringBytes()), true
	case 'n':
		s.literal("null")
		return "", false
	case '{', '[', 't', 'f':
		return compactJSON(readRaw(s)), true
	default:
		number, _ := s.number()
		return string(number), true
	}
}

// readRaw reads the next value and returns its bytes as sent.
func readRaw(s *scanner) []byte {
	s.next()
	start := s.pos
	s.skip()
	return s.data[start:s.pos]
}

func compactJSON(raw []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}

// notJSON is what kindName says of a byte no JSON value starts with.
const notJSON = "not valid JSON"

// kindName says what a JSON value starting with c is, for error messages.
func kindName(c byte) string {
	switch c {
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return "a number"
	default:
		return notJSON
	}
}

// textOf is a string value as a string. The values Opptima repeats in
// every event (groups, kinds, statuses, origins) are the same strings each
// time, so they are not copied: a copy per value is one allocation of the
// few dozen a record costs, most of them pdata's own.
func textOf(b []byte) string {
	if len(b) <= maxRepeatedValue {
		if s, ok := repeatedValues[string(b)]; ok { // no allocation: a lookup by bytes
			return s
		}
	}
	return string(b)
}

const maxRepeatedValue = 16

var repeatedValues = func() map[string]string {
	m := map[string]string{}
	for _, values := range [][]string{documentedGroups, documentedKinds, {"Rebote duro", "Rebote suave", "Entregado", "API", "Web"}} {
		for _, v := range values {
			m[v] = v
		}
	}
	return m
}()
