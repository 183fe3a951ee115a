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
