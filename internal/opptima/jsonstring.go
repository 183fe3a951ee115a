// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"errors"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// unescape decodes the escapes of a string's raw bytes (between the quotes),
// as RFC 8259 section 7 defines them and encoding/json decodes them.
func unescape(raw []byte) ([]byte, error) {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			out = append(out, raw[i])
			continue
		}
		i++
		switch raw[i] {
		case '"', '\\', '/':
			out = append(out, raw[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(raw[i+1:])
			if !ok {
				return nil, errors.New(`bad \u escape`)
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r, i = completeSurrogate(raw, i, r)
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, fmt.Errorf("bad escape \\%c", raw[i])
		}
	}
	return out, nil
}

// completeSurrogate reads the rune of a UTF-16 surrogate half, the \u
// escape whose last digit is raw[i]. When the next escape is the other half
// of a pair, it returns the pair's rune and the index of that escape's last
// digit; a lone half becomes U+FFFD and consumes nothing more, as in
// encoding/json.
func completeSurrogate(raw []byte, i int, half rune) (rune, int) {
	next, ok := escapedRuneAt(raw[i+1:])
	if !ok {
		return utf8.RuneError, i
	}
	pair := utf16.DecodeRune(half, next)
	if pair == utf8.RuneError {
		return utf8.RuneError, i
	}
	return pair, i + len(`\uXXXX`)
}

// escapedRuneAt reads a \uXXXX escape at the start of b.
func escapedRuneAt(b []byte) (rune, bool) {
	if len(b) < len(`\uXXXX`) || b[0] != '\\' || b[1] != 'u' {
		return 0, false
	}
	return hex4(b[2:])
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// plainInString marks the bytes a string goes on over without a second
// look: printable ASCII other than the quote and the backslash.
var plainInString = func() (plain [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		plain[c] = c != '"' && c != '\\'
	}
	return plain
}()

// stringBytes reads a string and returns its decoded bytes. Without escapes
// they alias the body; with escapes they are a fresh copy.
func (s *scanner) stringBytes() []byte {
	if !s.expect('"') {
		return nil
	}
	start, escaped := s.pos, false
	for s.pos < len(s.data) {
		if plainInString[s.data[s.pos]] { // most bytes: one table lookup
			s.pos++
			continue
		}
		c := s.data[s.pos]
		switch {
		case c == '"':
			raw := s.data[start:s.pos]
			s.pos++
			if escaped {
				out, err := unescape(raw)
				if err != nil {
					s.fail("%v", err)
				}
				return out
			}
			return raw
		case c == '\\':
			escaped = true
			s.pos += 2
		case c < 0x20:
			s.fail("control character in a string")
			return nil
		case c >= utf8.RuneSelf:
			// Outside strings only ASCII is valid JSON, so checking UTF-8
			// here covers the whole body in the same single pass.
			r, size := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && size <= 1 {
				s.err, s.pos = errNotUTF8, len(s.data)
				return nil
			}
			s.pos += size
		}
	}
	s.fail("unterminated string")
	return nil
}
