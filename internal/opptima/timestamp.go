package opptima

import "time"

// Log timestamps are nanoseconds since 1970 in a uint64 and, in practice,
// int64 for most backends: a time outside these bounds is not representable
// and is treated as unreadable rather than silently wrapped.
var (
	earliestTimestamp = time.Unix(0, 0)
	latestTimestamp   = time.Unix(0, 1<<63-1)
)

// parseTimestamp reads an Opptima timestamp in loc. ISO-8601 text with an
// offset (as in certified-email responses) is accepted too, since its zone
// is explicit.
func parseTimestamp(text []byte, loc *time.Location) (time.Time, bool) {
	t, ok := parseOpptimaLayout(text, loc)
	if !ok {
		var err error
		if t, err = time.Parse(time.RFC3339Nano, string(text)); err != nil {
			return time.Time{}, false
		}
	}
	if t.Before(earliestTimestamp) || t.After(latestTimestamp) {
		return time.Time{}, false
	}
	return t.UTC(), true
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
