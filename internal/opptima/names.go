// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"strconv"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// keyCache remembers attribute names built from payload names: the same
// few names come with every event of a kind, and building a name is most
// of the cost of the field. It is bounded in entries and name length, so
// hostile payloads cannot grow it.
type keyCache struct {
	sync.RWMutex
	keys map[string]string
}

const (
	maxCachedKeys       = 4096
	maxCachedNameLength = 64
)

var (
	otherFieldKeys   = &keyCache{keys: map[string]string{}}
	customHeaderKeys = &keyCache{keys: map[string]string{}}
)

func (c *keyCache) key(name []byte, build func(name []byte) string) string {
	c.RLock()
	key, ok := c.keys[string(name)] // no allocation for the lookup
	c.RUnlock()
	if ok {
		return key
	}
	key = build(name)
	if len(name) <= maxCachedNameLength {
		c.Lock()
		if len(c.keys) < maxCachedKeys {
			c.keys[string(name)] = key
		}
		c.Unlock()
	}
	return key
}

// otherFieldKey is the attribute name of a field this receiver does not
// know: "opptima." and the snake_case name.
func otherFieldKey(name []byte) string {
	return otherFieldKeys.key(name, buildOtherFieldKey)
}

// customHeaderKey is the attribute name of a custom header, lower-cased
// since header names are case-insensitive: "opptima.custom_headers.x-id".
func customHeaderKey(name []byte) string {
	return customHeaderKeys.key(name, buildCustomHeaderKey)
}

func buildCustomHeaderKey(name []byte) string {
	return attrCustomHeaders + "." + strings.ToLower(string(name))
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

// keyNames gives every value of one map a name of its own. A name the
// payload repeats (JSON allows it; header names also repeat once
// lower-cased) gets _2, _3, … so that no value is lost. last remembers the
// last suffix handed out per name: without it a name sent k times would
// search the map k² times.
type keyNames struct {
	last map[string]int // nil until a name repeats
}

// put adds an empty value to m under key, or under key with a free numbered
// suffix when m already holds key or reserved names it. One search of m in
// the usual case: GetOrPutEmpty both checks and adds.
func (n *keyNames) put(m pcommon.Map, key string, reserved map[string]bool) pcommon.Value {
	if !reserved[key] {
		if v, existed := m.GetOrPutEmpty(key); !existed {
			return v
		}
	}
	if n.last == nil {
		n.last = map[string]int{}
	}
	for i := max(n.last[key], 1) + 1; ; i++ {
		if v, existed := m.GetOrPutEmpty(key + "_" + strconv.Itoa(i)); !existed {
			n.last[key] = i
			return v
		}
	}
}
