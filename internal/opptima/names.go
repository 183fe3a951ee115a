package opptima

import (
	"strconv"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// otherFieldKeys remembers the attribute names of unknown fields: the same
// few names come with every event of a kind, and building them is most of
// the cost of an unknown field. It is bounded in entries and name length,
// so hostile payloads cannot grow it.
var otherFieldKeys = struct {
	sync.RWMutex
	keys map[string]string
}{keys: map[string]string{}}

const (
	maxCachedKeys       = 4096
	maxCachedNameLength = 64
)

// otherFieldKey is the attribute name of a field this receiver does not
// know: "opptima." and the snake_case name.
func otherFieldKey(name []byte) string {
	otherFieldKeys.RLock()
	key, ok := otherFieldKeys.keys[string(name)] // no allocation for the lookup
	otherFieldKeys.RUnlock()
	if ok {
		return key
	}
	key = buildOtherFieldKey(name)
	if len(name) <= maxCachedNameLength {
		otherFieldKeys.Lock()
		if len(otherFieldKeys.keys) < maxCachedKeys {
			otherFieldKeys.keys[string(name)] = key
		}
		otherFieldKeys.Unlock()
	}
	return key
}

func buildOtherFieldKey(name []byte) string {
	var b strings.Builder
	b.Grow(len(otherFieldPrefix) + len(name) + 4)
	b.WriteString(otherFieldPrefix)
	writeSnakeCase(&b, string(name)) // the conversion does not allocate: writeSnakeCase keeps no reference
	return b.String()
}

// writeSnakeCase writes a payload field name in the snake_case used in
// attribute names: "campaignName" -> "campaign_name", "msgID" -> "msg_id",
// "X-Test Header" -> "x_test_header".
func writeSnakeCase(b *strings.Builder, name string) {
	start := b.Len()
	atStart := func() bool { return b.Len() == start }
	endsWithUnderscore := func() bool { s := b.String(); return len(s) > start && s[len(s)-1] == '_' }
	prevLowerOrDigit := false
	for i, r := range name {
		switch {
		case r >= 'A' && r <= 'Z':
			nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z'
			if !atStart() && (prevLowerOrDigit || nextLower) && !endsWithUnderscore() {
				b.WriteByte('_')
			}
			b.WriteRune(r + ('a' - 'A'))
			prevLowerOrDigit = false
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
			prevLowerOrDigit = true
		default: // '-', '.', ' ' and other separators
			if !atStart() && !endsWithUnderscore() {
				b.WriteByte('_')
			}
			prevLowerOrDigit = false
		}
	}
	if endsWithUnderscore() {
		trimmed := b.String()[:b.Len()-1]
		b.Reset()
		b.WriteString(trimmed)
	}
	if atStart() {
		b.WriteString("field")
	}
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
