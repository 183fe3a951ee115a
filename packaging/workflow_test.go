// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// TestPublishWorkflowPublishesWhatItChecked: the workflow that publishes a
// tag (it cannot run here) builds and checks the release with the target
// `make test` runs, before it publishes anything, and publishes the files
// that target checked, under the names release.sh gives them.
func TestPublishWorkflowPublishesWhatItChecked(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", ".github", "workflows", "release.yml"))
	require.NoError(t, err)
	var workflow struct {
		On struct {
			Push struct{ Tags []string } `yaml:"push"`
		} `yaml:"on"` // YAML 1.2, as GitHub reads it: "on" is a key, not true
		Jobs map[string]struct {
			Steps []struct{ Name, Run string } `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal(data, &workflow))
	assert.Equal(t, []string{"v[0-9]+.[0-9]+.[0-9]+"}, workflow.On.Push.Tags)

	require.Len(t, workflow.Jobs, 1)
	var runs []string
	for _, job := range workflow.Jobs {
		for _, step := range job.Steps {
			if step.Run != "" {
				runs = append(runs, step.Run)
			}
		}
	}
	require.Len(t, runs, 3)
	assert.Contains(t, runs[0], "make release-test", "built and checked first")
	assert.Contains(t, runs[1], "gh release create")
	assert.Contains(t, runs[1], "_build/dist/*", "every file of the checked release")
	assert.Contains(t, runs[2], `oci-archive:_build/dist/otelcol-opptima_${version}_image.tar`, "the checked image archive")

	script, err := os.ReadFile("release.sh")
	require.NoError(t, err)
	assert.Contains(t, string(script), `"oci-archive:$DIST/otelcol-opptima_${VERSION}_image.tar:`, "the archive's name as release.sh writes it")

	// The release notes are the CHANGELOG's section of the version being
	// prepared, extracted as the workflow extracts them.
	config, err := os.ReadFile(filepath.Join("..", "builder-config.yaml"))
	require.NoError(t, err)
	version := regexp.MustCompile(`(?m)^  version: (\S+)$`).FindSubmatch(config)
	require.NotNil(t, version)
	awk := regexp.MustCompile(`awk -v v="\$version" '[^']+' CHANGELOG.md`).FindString(runs[1])
	require.NotEmpty(t, awk)
	cmd := exec.Command("sh", "-c", awk)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "version="+string(version[1]))
	notes, err := cmd.Output()
	require.NoError(t, err)
	assert.Contains(t, string(notes), "### Upgrade notes", "the notes of %s", version[1])
	assert.NotContains(t, string(notes), "## Releasing", "only that version's section")
	assert.True(t, strings.HasPrefix(strings.TrimSpace(string(notes)), "Built on Collector core"), "%s", notes)
}
