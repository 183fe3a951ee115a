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
