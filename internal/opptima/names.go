package opptima

import (
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// snakeCase turns a payload field name into the snake_case used in
// attribute names: "campaignName" -> "campaign_name", "msgID" -> "msg_id",
// "X-Test Header" -> "x_test_header".
func snakeCase(name string) string {
	var b strings.Builder
	b.Grow(len(name) + 4)
	prevLowerOrDigit := false
	for i, r := range name {
		switch {
		case r >= 'A' && r <= 'Z':
			nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z'
			if b.Len() > 0 && (prevLowerOrDigit || nextLower) && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			b.WriteRune(r + ('a' - 'A'))
			prevLowerOrDigit = false
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
			prevLowerOrDigit = true
		default: // '-', '.', ' ' and other separators
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
			prevLowerOrDigit = false
		}
	}
	out := strings.TrimSuffix(b.String(), "_")
	if out == "" {
		return "field"
	}
	return out
}

// freeKey returns key, or key with the first free numbered suffix when key
// is reserved for a known field or already taken by an earlier field.
func freeKey(attrs pcommon.Map, key string) string {
	if _, taken := attrs.Get(key); !taken && !reservedNames[key] {
		return key
	}
	for n := 2; ; n++ {
		candidate := key + "_" + strconv.Itoa(n)
		if _, taken := attrs.Get(candidate); !taken {
			return candidate
		}
	}
}
