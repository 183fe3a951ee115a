// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"bytes"
	"io"
	"strconv"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
)

// BenchmarkReaders compares our scanner with jsontext, the well-kept
// streaming JSON reader (github.com/go-json-experiment/json, the module the
// standard library's encoding/json/jsontext comes from, usable without
// GOEXPERIMENT=jsonv2). Both read every token of the body and decode what
// the mapping needs from a reader: names, string values as strings, numbers
// as int64 or float64. BENCHMARKS.md records the figures and the decision.
func BenchmarkReaders(b *testing.B) {
	for _, events := range []int{1, 100} {
		for _, shape := range benchShapes {
			body := benchPayload(b, shape, events)
			b.Run("scanner/"+shape+"/events="+itoa(events), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s := &scanner{data: body}
					walkScanner(s)
					if s.err != nil || !s.atEnd() {
						b.Fatal(s.err)
					}
				}
				reportPerEvent(b, events)
			})
			b.Run("jsontext/"+shape+"/events="+itoa(events), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := walkJSONText(jsontext.NewDecoder(bytes.NewReader(body))); err != nil {
						b.Fatal(err)
					}
				}
				reportPerEvent(b, events)
			})
		}
	}
}

var sinkString string
var sinkNumber float64

func walkScanner(s *scanner) {
	switch s.next() {
	case '{':
		for name, ok := s.member(true); ok; name, ok = s.member(false) {
			sinkString = string(name)
			walkScanner(s)
		}
	case '[':
		for ok := s.element(true); ok; ok = s.element(false) {
			walkScanner(s)
		}
	case '"':
		sinkString = string(s.stringBytes())
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	default:
		text, isInt := s.number()
		readNumber(string(text), isInt)
	}
}

func walkJSONText(dec *jsontext.Decoder) error {
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.Kind() {
		case '"':
			sinkString = tok.String()
		case '0':
			raw := tok.String()
			readNumber(raw, !bytes.ContainsAny([]byte(raw), ".eE"))
		}
	}
}

func readNumber(text string, isInt bool) {
	if isInt {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			sinkNumber = float64(i)
			return
		}
	}
	sinkNumber, _ = strconv.ParseFloat(text, 64)
}
