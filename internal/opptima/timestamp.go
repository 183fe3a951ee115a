package opptima

import "time"

// opptimaLayout is how Opptima writes event times: wall-clock time with no
// offset, in the account's zone (Colombia, UTC-5, for every documented case).
const opptimaLayout = "2006-01-02 15:04:05"

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
func parseTimestamp(text string, loc *time.Location) (time.Time, bool) {
	t, err := time.ParseInLocation(opptimaLayout, text, loc)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, text); err != nil {
			return time.Time{}, false
		}
	}
	if t.Before(earliestTimestamp) || t.After(latestTimestamp) {
		return time.Time{}, false
	}
	return t.UTC(), true
}
