// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeListsTheSchema: the attribute table (docs/records.md, linked
// from the README) names exactly the attributes of schema.go, and the
// schema covers every known field.
func TestReadmeListsTheSchema(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "docs", "records.md"))
	require.NoError(t, err)
	text := string(readme)
	start := strings.Index(text, "### Attributes")
	require.GreaterOrEqual(t, start, 0)
	end := strings.Index(text[start:], "\n\nTolerant reading")
	require.Greater(t, end, 0)
	var inReadme []string
	name := regexp.MustCompile("`([a-z_.<>]+)`")
	for _, line := range strings.Split(text[start:start+end], "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		firstCell := strings.SplitN(line, "|", 3)[1]
		for _, m := range name.FindAllStringSubmatch(firstCell, -1) {
			inReadme = append(inReadme, m[1])
		}
	}
	var inSchema []string
	for _, a := range schema {
		inSchema = append(inSchema, a.name)
		assert.NotEmpty(t, a.from, a.name)
		assert.Contains(t, []string{semconvStable, semconvDevelopment, semconvNone}, a.semconv, a.name)
	}
	slices.Sort(inReadme)
	slices.Sort(inSchema)
	assert.Equal(t, inSchema, inReadme, "README attribute table vs schema.go")
	for field, known := range knownFields {
		if known.key != "" {
			assert.Contains(t, inSchema, known.key, "field %s", field)
		}
	}
}

// TestDerivedFromTheSchema states the rules the derived tables follow
// rather than copying them: every field of Opptima's documented examples is
// a known field, read into a row of its own (custom_headers into one
// attribute per header, never claimed as a whole); and the reserved names
// are exactly the single-segment opptima.* attributes that known fields,
// or the receiver on the resource, fill.
func TestDerivedFromTheSchema(t *testing.T) {
	for _, example := range []string{"smtp-bounce.json", "smtp-delivered.json", "email-marketing-bounce.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "payloads", example))
		require.NoError(t, err)
		var event map[string]any
		require.NoError(t, json.Unmarshal(data, &event))
		for field := range event {
			assert.Contains(t, knownFields, field, "%s: field %s", example, field)
		}
	}
	assert.Equal(t, "", knownFields["custom_headers"].key, "one attribute per header, never claimed as a whole")

	singleSegment := func(name string) bool {
		rest, ok := strings.CutPrefix(name, otherFieldPrefix)
		return ok && rest != "" && !strings.Contains(rest, ".")
	}
	want := map[string]bool{}
	for _, known := range knownFields {
		if singleSegment(known.key) {
			want[known.key] = true
		}
	}
	for _, a := range schema {
		if a.onResource && singleSegment(a.name) {
			want[a.name] = true
		}
	}
	assert.Equal(t, want, reservedNames)
	assert.Contains(t, reservedNames, AttrType, "the rule holds something")
}

// TestCountedRowsAreWellFormed: every counted row says where its values
// come from, once; Required needs Other (an absent value counts as it);
// Only names a value of opptima.event; DecidedBy names a counted row that
// is not itself decided.
func TestCountedRowsAreWellFormed(t *testing.T) {
	counted := map[string]Counted{}
	for _, d := range CounterDimensions() {
		counted[d.Name] = d.Counted
	}
	require.Contains(t, counted, AttrEvent, "Only refers to opptima.event")
	for name, c := range counted {
		assert.True(t, (len(c.Values) > 0) != (c.Configured != ""), "%s: values or a configured list, not both", name)
		if c.Required {
			assert.True(t, c.Other, "%s: a required attribute counts an absent value as Other", name)
		}
		if c.Only != "" {
			assert.Contains(t, counted[AttrEvent].Segments(), Segment(c.Only), "%s: Only names an event kind", name)
		}
		if c.DecidedBy != "" {
			require.Contains(t, counted, c.DecidedBy, "%s: decided by a counted attribute", name)
			assert.Empty(t, counted[c.DecidedBy].DecidedBy, "%s: decided by one that is not decided itself", name)
		}
		assert.Len(t, slices.Compact(slices.Sorted(slices.Values(c.Segments()))), len(c.Segments()), "%s: its values count apart", name)
	}
}

// TestTheConverterKeepsClosedSetsClosed: the series bound counts on what
// the converter writes. On every event of a row's Only kind it writes a
// closed set's attribute (no Other, no configured list), always with a
// value of the set, and a decided attribute always the same for the same
// deciding value; on other events, none. Checked over every payload of
// testdata and every labelled reply as a bounce.
func TestTheConverterKeepsClosedSetsClosed(t *testing.T) {
	converter := newTestConverter(t, false)
	var bodies [][]byte
	payloads, err := filepath.Glob(filepath.Join(payloadDir, "*.json"))
	require.NoError(t, err)
	for _, p := range payloads {
		body, err := os.ReadFile(p)
		require.NoError(t, err)
		bodies = append(bodies, body)
	}
	for _, corpus := range []string{"sisimai-replies.json", "provider-replies.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "bounces", corpus))
		require.NoError(t, err)
		var replies []struct{ Reply string }
		require.NoError(t, json.Unmarshal(data, &replies))
		for i, r := range replies {
			status := []string{"Rebote duro", "Rebote suave", "", "Otro"}[i%4]
			body, err := json.Marshal(map[string]any{"type": "SMTP", "event": "bounce", "status": status, "response": r.Reply})
			require.NoError(t, err)
			bodies = append(bodies, body)
		}
	}
	decided := map[string]string{}
	checked := 0
	for _, body := range bodies {
		logs, err := converter.ToLogs(body, observedAt)
		require.NoError(t, err)
		for _, rl := range logs.ResourceLogs().All() {
			for _, sl := range rl.ScopeLogs().All() {
				for _, rec := range sl.LogRecords().All() {
					kind, _ := rec.Attributes().Get(AttrEvent)
					for _, d := range CounterDimensions() {
						if d.Other || d.Configured != "" {
							continue
						}
						value, ok := rec.Attributes().Get(d.Name)
						if d.Only != "" && Segment(kind.Str()) != Segment(d.Only) {
							assert.False(t, ok, "%s on a %q event: %s", d.Name, kind.Str(), body)
							continue
						}
						require.True(t, ok, "%s missing: %s", d.Name, body)
						assert.Contains(t, d.Segments(), value.Str(), "%s: %s", d.Name, body)
						checked++
						if d.DecidedBy != "" {
							by, _ := rec.Attributes().Get(d.DecidedBy)
							if first, seen := decided[d.Name+"="+by.Str()]; seen {
								assert.Equal(t, first, value.Str(), "%s is decided by %s", d.Name, d.DecidedBy)
							}
							decided[d.Name+"="+by.Str()] = value.Str()
						}
					}
				}
			}
		}
	}
	assert.Greater(t, checked, 3*200, "the bounce attributes of every reply were checked")
}
