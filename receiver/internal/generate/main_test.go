// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
)

const root = "../../.."

// TestDerivedFilesAreCurrent: the committed recording of opptima.events
// and the counter table of docs/counters.md are what metadata.yaml and the
// schema say now; make generate rewrites them.
func TestDerivedFilesAreCurrent(t *testing.T) {
	files, err := derive(root)
	require.NoError(t, err)
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(root, name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s is stale: run make generate", name)
	}
}

// TestMetadataDeclaresTheCountedAttributes: opptima.events carries exactly
// the schema's counted attributes, and metadata.yaml declares each as its
// row says: a closed set as its enum (none for a configured list), and
// required exactly when an absent value counts as Other. One loop, so a
// row added to the schema is checked with no edit here.
func TestMetadataDeclaresTheCountedAttributes(t *testing.T) {
	md, err := readMetadata(filepath.Join(root, metadataFile))
	require.NoError(t, err)
	var names []string
	for _, d := range opptima.CounterDimensions() {
		names = append(names, d.Name)
		a, ok := md.Attributes[d.Name]
		if !assert.True(t, ok, "metadata.yaml declares no attribute %s", d.Name) {
			continue
		}
		assert.Equal(t, "string", a.Type, d.Name)
		if d.Configured == "" {
			assert.ElementsMatch(t, d.Segments(), a.Enum, "%s: metadata.yaml's enum is the row's values: enum: [%s]", d.Name, strings.Join(d.Segments(), ", "))
		} else {
			assert.Empty(t, a.Enum, "%s: its values come from %s", d.Name, d.Configured)
		}
		level := "conditionally_required"
		if d.Required {
			level = "required"
		}
		assert.Equal(t, level, a.RequirementLevel, d.Name)
	}
	assert.ElementsMatch(t, names, md.Metrics[counterMetric].Attributes, "%s's attributes are the counted rows", counterMetric)
}

func TestIdentifierIsMdatagens(t *testing.T) {
	assert.Equal(t, "OpptimaBounceType", identifier("opptima.bounce.type"))
	assert.Equal(t, "EmailToDomain", identifier("email.to.domain"))
	assert.Equal(t, "OpptimaEvents", identifier("opptima.events"))
}
