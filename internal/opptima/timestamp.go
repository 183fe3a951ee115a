// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"strconv"
	"strings"
	"time"
)

// Log timestamps are nanoseconds since 1970 in a uint64 and, in practice,
// int64 for most backends: a time outside these bounds is not representable
// and is treated as unreadable rather than silently wrapped.
var (
	earliestTimestamp = time.Unix(0, 0)
	latestTimestamp   = time.Unix(0, 1<<63-1)
)

// parseTimestamp reads an event time written as text. Opptima documents
// "2020-10-05 17:40:54" in its own wall time (loc); the near forms a sender
// may write are read the same way, and an explicit zone or offset is
// honoured. README, "Event time", lists exactly what is accepted.
func parseTimestamp(text []byte, loc *time.Location) (time.Time, bool) {
	t, ok := parseOpptimaLayout(text, loc)
	if !ok {
		t, ok = parseNearForm(string(text), loc)
	}
	if !ok || t.Before(earliestTimestamp) || t.After(latestTimestamp) {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// Near forms in Opptima's wall time. When parsing, Go accepts a fractional
// second after the seconds whatever the layout says.
var wallTimeLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2/1/2006 15:04:05", // day first, as Colombia writes dates
	"2/1/2006 15:04",
}

// Forms with an explicit offset ("Z07:00" also reads "Z").
var zonedLayouts = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 Z0700",
}

func parseNearForm(text string, loc *time.Location) (time.Time, bool) {
	text = strings.TrimSpace(text)
	if t, ok := parseEpoch(text); ok {
		return t, true
	}
	// Zone names other than UTC are ambiguous ("CST"), and Go reads an
	// unknown one as offset 0: only these two are taken.
	for _, utc := range []string{" UTC", " GMT"} {
		if wall, ok := strings.CutSuffix(text, utc); ok {
			return parseWallTime(wall, time.UTC)
		}
	}
	for _, layout := range zonedLayouts {
		if t, err := time.Parse(layout, text); err == nil {
			return t, true
		}
	}
	return parseWallTime(text, loc)
}

func parseWallTime(text string, loc *time.Location) (time.Time, bool) {
	for _, layout := range wallTimeLayouts {
		if t, err := time.ParseInLocation(layout, text, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// Epoch values are read as seconds or milliseconds by their size, and only
// when the result falls in these years: a compact date such as
// 20201005174054 read as milliseconds would be the year 2610.
var (
	earliestEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	latestEpoch   = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
)

// parseEpoch reads seconds (1601934054, 1601934054.25) or milliseconds
// (1601934054000) since 1970, UTC by definition. Digits are read as
// integers: a float64 would round the fraction.
func parseEpoch(text string) (time.Time, bool) {
	whole, fraction, hasFraction := strings.Cut(text, ".")
	if whole == "" || len(whole) > 14 || !allDigits(whole) || (hasFraction && (fraction == "" || len(fraction) > 9 || !allDigits(fraction))) {
		return time.Time{}, false
	}
	n, _ := strconv.ParseInt(whole, 10, 64) // at most 14 digits: fits
	var t time.Time
	switch {
	case n < 1e11:
		nanos, _ := strconv.ParseInt((fraction + "000000000")[:9], 10, 64)
		t = time.Unix(n, nanos)
	case !hasFraction:
		t = time.UnixMilli(n)
	default:
		return time.Time{}, false
	}
	if t.Before(earliestEpoch) || t.After(latestEpoch) {
		return time.Time{}, false
	}
	return t, true
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseOpptimaLayout reads "YYYY-MM-DD HH:MM:SS" by hand: it is on the hot
// path of every event, and time.ParseInLocation costs several times more.
func parseOpptimaLayout(b []byte, loc *time.Location) (time.Time, bool) {
	if len(b) != 19 || b[4] != '-' || b[7] != '-' || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	var fields [6]int
	for i, span := range [6][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}} {
		for _, c := range b[span[0]:span[1]] {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			fields[i] = fields[i]*10 + int(c-'0')
		}
	}
	year, month, day, hour, minute, second := fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]
	t := time.Date(year, time.Month(month), day, hour, minute, second, 0, loc)
	// time.Date normalises 2020-13-45 into a valid date; such text is not a time.
	if t.Year() != year || int(t.Month()) != month || t.Day() != day || t.Hour() != hour || t.Minute() != minute || t.Second() != second {
		return time.Time{}, false
	}
	return t, true
}
