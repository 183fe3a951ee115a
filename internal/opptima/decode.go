package opptima

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	jsoniter "github.com/json-iterator/go"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// jsonAPI is json-iterator, already in the Collector's dependency graph
// (pdata uses it). Its streaming Iterator lets us write attributes straight
// from the payload without an intermediate map[string]any; see
// BENCHMARKS.md for the measurement behind the choice.
var jsonAPI = jsoniter.ConfigCompatibleWithStandardLibrary

// splitEvents returns the raw bytes of each event object in body, which
// holds either one JSON object or a JSON array of objects. It validates the
// whole body first so that a bad element rejects the request as a whole.
func splitEvents(body []byte) ([][]byte, error) {
	if !utf8.Valid(body) {
		return nil, errors.New("body is not valid UTF-8")
	}
	it := jsonAPI.BorrowIterator(body)
	defer jsonAPI.ReturnIterator(it)

	var events [][]byte
	switch next := it.WhatIsNext(); next {
	case jsoniter.ObjectValue:
		events = append(events, it.SkipAndReturnBytes())
	case jsoniter.ArrayValue:
		index := 0
		for it.ReadArray() {
			if kind := it.WhatIsNext(); kind != jsoniter.ObjectValue {
				return nil, fmt.Errorf("element %d of the array is %s, not an event object", index, kindName(kind))
			}
			events = append(events, it.SkipAndReturnBytes())
			index++
		}
		if it.Error == nil && len(events) == 0 {
			return nil, errors.New("the array holds no events")
		}
	case jsoniter.InvalidValue:
		if len(trimSpace(body)) == 0 {
			return nil, errors.New("body is empty: expected an event object or an array of them")
		}
		return nil, errors.New("body is not valid JSON")
	default:
		return nil, fmt.Errorf("body is %s: expected an event object or an array of them", kindName(next))
	}
	if it.Error != nil {
		return nil, fmt.Errorf("body is not valid JSON: %s", shortError(it.Error))
	}
	// Reading past the value must hit the end of the body and nothing else.
	if it.WhatIsNext(); !errors.Is(it.Error, io.EOF) {
		return nil, errors.New("body is not valid JSON: unexpected data after the top-level value")
	}
	return events, nil
}

// readValue reads the next JSON value into dst, keeping its JSON type:
// objects become maps, arrays slices, integers Int, other numbers Double,
// and null leaves dst empty.
func readValue(it *jsoniter.Iterator, dst pcommon.Value) {
	switch it.WhatIsNext() {
	case jsoniter.StringValue:
		dst.SetStr(it.ReadString())
	case jsoniter.NumberValue:
		setNumber(dst, it.ReadNumber())
	case jsoniter.BoolValue:
		dst.SetBool(it.ReadBool())
	case jsoniter.NilValue:
		it.ReadNil()
	case jsoniter.ArrayValue:
		slice := dst.SetEmptySlice()
		for it.ReadArray() {
			readValue(it, slice.AppendEmpty())
		}
	case jsoniter.ObjectValue:
		m := dst.SetEmptyMap()
		it.ReadMapCB(func(it *jsoniter.Iterator, key string) bool {
			readValue(it, m.PutEmpty(key))
			return true
		})
	default:
		it.ReportError("readValue", "expected a JSON value")
	}
}

// setNumber keeps integers exact. The splitter already refuses numbers no
// float64 can hold (1e400); should one get here, its text is kept.
func setNumber(dst pcommon.Value, n json.Number) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		dst.SetInt(i)
		return
	}
	if f, err := strconv.ParseFloat(string(n), 64); err == nil && !math.IsInf(f, 0) {
		dst.SetDouble(f)
		return
	}
	dst.SetStr(string(n))
}

// readText reads a scalar as text: strings as they are, numbers and
// booleans as written. Objects and arrays become compact JSON, so an odd
// shape is kept rather than dropped.
func readText(it *jsoniter.Iterator) (string, bool) {
	switch it.WhatIsNext() {
	case jsoniter.StringValue:
		return it.ReadString(), true
	case jsoniter.NumberValue:
		return string(it.ReadNumber()), true
	case jsoniter.BoolValue:
		return strconv.FormatBool(it.ReadBool()), true
	case jsoniter.NilValue:
		it.ReadNil()
		return "", false
	default:
		return compactJSON(it.SkipAndReturnBytes()), true
	}
}

func compactJSON(raw []byte) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return string(raw)
	}
	return buf.String()
}

func kindName(t jsoniter.ValueType) string {
	switch t {
	case jsoniter.StringValue:
		return "a string"
	case jsoniter.NumberValue:
		return "a number"
	case jsoniter.NilValue:
		return "null"
	case jsoniter.BoolValue:
		return "a boolean"
	case jsoniter.ArrayValue:
		return "an array"
	case jsoniter.ObjectValue:
		return "an object"
	default:
		return "not valid JSON"
	}
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isJSONSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isJSONSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// shortError keeps jsoniter's message but drops the long excerpt of the
// payload it appends, which could echo a large or sensitive body back.
func shortError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ", error found in"); i > 0 {
		return msg[:i]
	}
	return msg
}
