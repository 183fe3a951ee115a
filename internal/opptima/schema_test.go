// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
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

// TestDerivedFromTheSchema: the fields and reserved names derived from the
// schema are the documented ones.
func TestDerivedFromTheSchema(t *testing.T) {
	var fields []string
	for field := range knownFields {
		fields = append(fields, field)
	}
	assert.ElementsMatch(t, []string{"to", "email", "sender", "subject", "msgid", "ip", "type", "event", "relid", "campid",
		"campaignName", "contactid", "contactId", "origin", "status", "response", "certifiedEmail", "custom_headers",
		"destination", "latitude", "longitude", "cityName", "browser", "timestamp"}, fields)
	var reserved []string
	for name := range reservedNames {
		reserved = append(reserved, name)
	}
	assert.ElementsMatch(t, []string{"opptima.type", "opptima.event", "opptima.relid", "opptima.origin", "opptima.status",
		"opptima.response", "opptima.certified", "opptima.timestamp", "opptima.account"}, reserved)
	assert.Equal(t, "", knownFields["custom_headers"].key, "one attribute per header, never claimed as a whole")
}
