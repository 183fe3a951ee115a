// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// FuzzScannerAgainstEncodingJSON checks the scanner alone against
// encoding/json, both ways: it accepts a document if and only if
// json.Valid does, apart from its documented bounds (nesting deeper than
// 512, objects wider than 256 members) and invalid UTF-8 (RFC 8259 requires
// UTF-8; encoding/json lets it through); and every string, number, boolean
// and null it decodes, in every object and array, equals what encoding/json
// decodes, members in order (a name sent twice keeps both values, under
// name_2 on our side).
func FuzzScannerAgainstEncodingJSON(f *testing.F) {
	addFixtureSeeds(f)
	for _, seed := range []string{
		`"\ud83d\ude00"`, `"\ud800"`, `"\udc00\ud800"`, `"\ud800\u0041"`, `"\ud800\ud800\udc00"`,
		`"\u0000"`, "\"\xff\"", "\"\xed\xa0\x80\"", `"\/\b\f\n\r\t\""`,
		`1e400`, `-0`, `0.1e-3`, `123456789012345678901234567890`, `-9223372036854775808`, `01`, `1.`, `.5`,
		`[1,2.5,"x",true,false,null,{}]`, `{"a":1,"a":2,"a_2":3}`, `{"":""}`, ` [ ] `, `[1,]`, `{"a" 1}`, `tru`,
		strings.Repeat("[", 513) + strings.Repeat("]", 513),
		"{" + strings.TrimSuffix(strings.Repeat(`"k":1,`, 257), ",") + "}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &scanner{data: data}
		got := pcommon.NewValueEmpty()
		readValue(s, got)
		accepted := s.err == nil && s.atEnd()
		valid := json.Valid(data)
		bounded := errors.Is(s.err, errNestedTooDeep) || errors.Is(s.err, errTooManyMembers)
		switch {
		case accepted && !valid:
			t.Fatalf("accepted what encoding/json calls invalid: %q", data)
		case accepted && !utf8.Valid(data):
			t.Fatalf("accepted invalid UTF-8: %q", data)
		case !accepted && valid && !bounded && utf8.Valid(data):
			t.Fatalf("refused valid JSON (%v): %q", s.err, data)
		case !accepted:
			return
		}
		want, err := decodeReference(data)
		if err != nil {
			t.Fatalf("encoding/json cannot decode what it called valid: %v", err)
		}
		if diff := compareValue(got, want, "$"); diff != "" {
			t.Fatalf("%s\ninput: %q", diff, data)
		}
	})
}

// node is one JSON value as encoding/json decodes it, objects as ordered
// members so that repeated names stay visible.
type node struct {
	value    any // string, json.Number, bool, nil; unused for objects and arrays
	object   bool
	array    bool
	members  []member
	elements []node
}

type member struct {
	name  string
	value node
}

func decodeReference(data []byte) (node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	n, err := readNode(dec)
	if err != nil {
		return node{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return node{}, fmt.Errorf("data after the value: %v", err)
	}
	return n, nil
}

func readNode(dec *json.Decoder) (node, error) {
	tok, err := dec.Token()
	if err != nil {
		return node{}, err
	}
	switch tok {
	case json.Delim('{'):
		n := node{object: true}
		for dec.More() {
			name, err := dec.Token()
			if err != nil {
				return node{}, err
			}
			v, err := readNode(dec)
			if err != nil {
				return node{}, err
			}
			n.members = append(n.members, member{name.(string), v})
		}
		_, err := dec.Token()
		return n, err
	case json.Delim('['):
		n := node{array: true}
		for dec.More() {
			v, err := readNode(dec)
			if err != nil {
				return node{}, err
			}
			n.elements = append(n.elements, v)
		}
		_, err := dec.Token()
		return n, err
	default:
		return node{value: tok}, nil
	}
}

// compareValue returns what differs between our value and encoding/json's
// at path, or "".
func compareValue(got pcommon.Value, want node, path string) string {
	switch {
	case want.object:
		if got.Type() != pcommon.ValueTypeMap {
			return fmt.Sprintf("%s: %s, want an object", path, got.Type())
		}
		if got.Map().Len() != len(want.members) {
			return fmt.Sprintf("%s: %d members, want %d", path, got.Map().Len(), len(want.members))
		}
		i, keysSoFar := 0, map[string]bool{}
		for key, v := range got.Map().All() {
			m := want.members[i]
			// A name already taken (sent twice, or a name_2 sent after a
			// repeat) is kept under name_N (keyNames.put).
			if key != m.name && !(keysSoFar[m.name] && strings.HasPrefix(key, m.name+"_")) {
				return fmt.Sprintf("%s: member %d is %q, want %q", path, i, key, m.name)
			}
			keysSoFar[key] = true
			if diff := compareValue(v, m.value, path+"."+m.name); diff != "" {
				return diff
			}
			i++
		}
		return ""
	case want.array:
		if got.Type() != pcommon.ValueTypeSlice || got.Slice().Len() != len(want.elements) {
			return fmt.Sprintf("%s: %s of %d, want an array of %d", path, got.Type(), sliceLen(got), len(want.elements))
		}
		for i, e := range want.elements {
			if diff := compareValue(got.Slice().At(i), e, fmt.Sprintf("%s[%d]", path, i)); diff != "" {
				return diff
			}
		}
		return ""
	}
	switch w := want.value.(type) {
	case nil:
		if got.Type() != pcommon.ValueTypeEmpty {
			return fmt.Sprintf("%s: %s, want null", path, got.Type())
		}
	case bool:
		if got.Type() != pcommon.ValueTypeBool || got.Bool() != w {
			return fmt.Sprintf("%s: %v, want %v", path, got.AsRaw(), w)
		}
	case string:
		if got.Type() != pcommon.ValueTypeStr || got.Str() != w {
			return fmt.Sprintf("%s: %q, want %q", path, got.AsString(), w)
		}
	case json.Number:
		return compareNumber(got, w, path)
	}
	return ""
}

// compareNumber: integers that fit int64 are Int and exact; other numbers
// are Double equal to encoding/json's float64; a number no float64 holds
// (1e400) is kept as its text.
func compareNumber(got pcommon.Value, want json.Number, path string) string {
	switch got.Type() {
	case pcommon.ValueTypeInt:
		if i, err := want.Int64(); err != nil || i != got.Int() {
			return fmt.Sprintf("%s: %d, want %s", path, got.Int(), want)
		}
	case pcommon.ValueTypeDouble:
		f, err := strconv.ParseFloat(string(want), 64)
		if err != nil || f != got.Double() {
			return fmt.Sprintf("%s: %v, want %s", path, got.Double(), want)
		}
		if _, err := want.Int64(); err == nil && !strings.ContainsAny(string(want), ".eE") {
			return fmt.Sprintf("%s: %s is an int64 but became a double", path, want)
		}
	case pcommon.ValueTypeStr:
		if got.Str() != string(want) {
			return fmt.Sprintf("%s: %q, want %s", path, got.Str(), want)
		}
		if _, err := strconv.ParseFloat(string(want), 64); err == nil {
			return fmt.Sprintf("%s: %s fits a float64 but was kept as text", path, want)
		}
	default:
		return fmt.Sprintf("%s: %s, want the number %s", path, got.Type(), want)
	}
	return ""
}

func sliceLen(v pcommon.Value) int {
	if v.Type() == pcommon.ValueTypeSlice {
		return v.Slice().Len()
	}
	return -1
}
