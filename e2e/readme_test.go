// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	opptimareceiver "github.com/opptimaotel/opptimareceiver/receiver"
)

// readme is the README followed by the reference it links in docs/: a
// section is looked up wherever it lives.
func readme(t *testing.T) string {
	t.Helper()
	var text strings.Builder
	docs, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	require.NoError(t, err)
	for _, path := range append([]string{filepath.Join("..", "README.md")}, docs...) {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		text.Write(data)
		text.WriteString("\n")
	}
	return text.String()
}

// codeBlocks returns the fenced blocks of a language in a README section.
func codeBlocks(t *testing.T, section, lang string) []string {
	t.Helper()
	text := readme(t)
	start := strings.Index(text, "\n"+section+"\n")
	require.NotEqual(t, -1, start, "README has %q", section)
	text = text[start+len(section)+2:]
	if end := regexp.MustCompile(`\n## `).FindStringIndex(text); end != nil {
		text = text[:end[0]]
	}
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(text, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// TestReadmeQuickStart runs the quick start's shell commands as the README
// writes them, against examples/local.yaml (what `make run` runs) on free
// ports: the curl answers {"accepted":1} and the counter command prints the
// counted event.
func TestReadmeQuickStart(t *testing.T) {
	metrics, telemetry := freeAddr(t), freeAddr(t)
	_, telemetryPort, _ := strings.Cut(telemetry, ":")
	col := startCollector(t, "local.yaml", map[string]string{
		"EVENTS_FILE": filepath.Join(t.TempDir(), "events.jsonl"), "PROMETHEUS_ENDPOINT": metrics, "TELEMETRY_PORT": telemetryPort,
	})
	webhook := strings.TrimPrefix(strings.TrimSuffix(col.webhook, "/opptima"), "http://")
	blocks := codeBlocks(t, "## Quick start", "sh")
	require.GreaterOrEqual(t, len(blocks), 4)
	run := func(block string) string {
		block = strings.ReplaceAll(block, "localhost:8080", webhook)
		block = strings.ReplaceAll(block, "localhost:8889", metrics)
		cmd := exec.Command("bash", "-c", block)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), "OPPTIMA_API_KEY="+testAPIKey)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s\n%s", block, out)
		return string(out)
	}

	curl := blocks[1]
	require.Contains(t, curl, "curl -sS -X POST")
	want := strings.TrimPrefix(strings.TrimSpace(curl[strings.LastIndex(curl, "\n# ")+1:]), "# ")
	assert.Equal(t, want, strings.TrimSpace(run(curl)), "the answer the README shows")

	counters := blocks[2]
	require.Contains(t, counters, "/metrics")
	eventually(t, 5*time.Second, func() error {
		out := run(strings.TrimSpace(counters) + " || true")
		if !strings.Contains(out, "opptima_events_total{") || !strings.HasSuffix(strings.TrimSpace(out), " 1") {
			return fmt.Errorf("the counter command printed %q", out)
		}
		return nil
	})
}

// TestEveryEnvVarIsListed: the README's table of environment variables
// names exactly those the examples read, one name per setting, and says
// "required" of those a config reads with ${requiredenv:...}.
func TestEveryEnvVarIsListed(t *testing.T) {
	text := readme(t)
	start := strings.Index(text, "### Environment variables")
	require.NotEqual(t, -1, start)
	table := text[start:]
	table = table[:strings.Index(table, "\n### ")]
	var listed []string
	requiredRow := map[string]bool{} // variable -> its row says "required"
	for _, line := range strings.Split(table, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(line, "|")
		for _, m := range regexp.MustCompile("`([A-Z_]+)`").FindAllStringSubmatch(cells[1], -1) {
			listed = append(listed, m[1])
			requiredRow[m[1]] = strings.Contains(cells[2], "required")
		}
	}

	files, err := filepath.Glob("*.yaml")
	require.NoError(t, err)
	var used []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range regexp.MustCompile(`\$\{(required)?env:([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(string(data), -1) {
			used = append(used, m[2])
			if m[1] != "" {
				assert.True(t, requiredRow[m[2]], "%s reads %s as required: its README row says so", f, m[2])
			}
		}
	}
	slices.Sort(listed)
	slices.Sort(used)
	assert.Equal(t, slices.Compact(used), slices.Compact(listed), "README environment variables vs examples/*.yaml")
}

// TestReadmeOCBSnippetIsTheBuildConfig: the ocb entry the README tells
// users to add is the one `make build` uses.
func TestReadmeOCBSnippetIsTheBuildConfig(t *testing.T) {
	blocks := codeBlocks(t, "## Adding it to your own ocb build", "yaml")
	require.Len(t, blocks, 1)
	type entry struct {
		GoMod  string `json:"gomod"`
		Import string `json:"import"`
		Name   string `json:"name"`
	}
	type ocbConfig struct {
		Receivers []entry  `json:"receivers"`
		Providers []entry  `json:"providers"`
		Replaces  []string `json:"replaces"`
	}
	var snippet, build ocbConfig
	require.NoError(t, yaml.Unmarshal([]byte(blocks[0]), &snippet))
	data, err := os.ReadFile(filepath.Join("..", "builder-config.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &build))
	require.Len(t, snippet.Receivers, 1)
	assert.Contains(t, build.Receivers, snippet.Receivers[0])
	assert.ElementsMatch(t, build.Providers, snippet.Providers, "the providers, requiredenv among them")
	assert.Equal(t, build.Replaces, snippet.Replaces)
}

// TestReadmePrometheusConfig: the scrape and rules configuration the README
// shows for a Prometheus without the Operator is valid (promtool check
// config, with the rule files it names) and its jobs are the ones the
// missing-data alerts look for.
func TestReadmePrometheusConfig(t *testing.T) {
	promtool := binary(t, "PROMTOOL_BIN")
	var snippet string
	for _, block := range codeBlocks(t, "## Production, step by step", "yaml") {
		if strings.Contains(block, "scrape_configs:") {
			snippet = block
		}
	}
	require.NotEmpty(t, snippet, "the README shows a Prometheus configuration")
	dir := t.TempDir()
	for _, name := range []string{"bounce-rate.rules.yml", "collector.rules.yml"} {
		require.Contains(t, snippet, name)
		data, err := os.ReadFile(filepath.Join("alerts", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	path := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(path, []byte(snippet), 0o600))
	out, err := exec.Command(promtool, "check", "config", path).CombinedOutput()
	require.NoError(t, err, "%s", out)

	var config struct {
		ScrapeConfigs []struct {
			JobName string `json:"job_name"`
		} `json:"scrape_configs"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(snippet), &config))
	rules, err := os.ReadFile(filepath.Join("alerts", "collector.rules.yml"))
	require.NoError(t, err)
	jobs := regexp.MustCompile(`job=~"([^"]+)"`).FindStringSubmatch(string(rules))
	require.NotNil(t, jobs, "the missing-data alerts select jobs by name")
	require.Len(t, config.ScrapeConfigs, 2)
	for _, c := range config.ScrapeConfigs {
		assert.Regexp(t, "^"+jobs[1]+"$", c.JobName)
	}
}

// TestReadmeConnectOpptima holds the README's "Connect Opptima" to the
// receiver and the shipped files: the URL's path is the receiver's default,
// the key is the OPPTIMA_API_KEY that production.yaml reads (and
// secrets.env.example says where Opptima shows it), the webhooks are the
// outcomes the alerts count, and the test send and the key rotation run as
// written against production.yaml in the built Collector: both keys are
// accepted during the switch, any other is refused.
func TestReadmeConnectOpptima(t *testing.T) {
	const section = "## Connect Opptima"
	text := readme(t)
	text = text[strings.Index(text, section):]
	text = text[:strings.Index(text[len(section):], "\n## ")+len(section)]

	path := opptimareceiver.NewFactory().CreateDefaultConfig().(*opptimareceiver.Config).Path
	assert.Contains(t, text, "https://<your host>"+path+"`", "the URL to register")
	production, err := os.ReadFile("production.yaml")
	require.NoError(t, err)
	assert.Contains(t, string(production), "api_keys:\n      - ${env:OPPTIMA_API_KEY}")
	assert.Contains(t, text, "`OPPTIMA_API_KEY`")
	secrets, err := os.ReadFile(filepath.Join("..", "deploy", "kubernetes", "secrets.env.example"))
	require.NoError(t, err)
	assert.Contains(t, string(secrets), "Settings")
	assert.NotContains(t, string(secrets), "openssl rand", "Opptima sends its own key, not one we make up")
	for _, row := range []string{"| SMTP | bounce |", "| SMTP | delivered |", "| Email marketing | bounce |", "| Email marketing | sent |", "| Email marketing | click |"} {
		assert.Contains(t, text, row, "the webhooks to register")
	}

	blocks := codeBlocks(t, section, "sh")
	require.Len(t, blocks, 2)
	rotation := regexp.MustCompile(`--config '(yaml:[^']+)'`).FindStringSubmatch(blocks[1])
	require.NotNil(t, rotation, "the rotation's second --config")
	const nextKey = "e2e-next-key-7d21c9ab"
	col := startCollectorOn(t, "production.yaml", freeAddr(t), freeAddr(t),
		productionEnv(t, startRecordingBackend(t).url, t.TempDir(), map[string]string{"OPPTIMA_API_KEY_NEXT": nextKey}),
		"--config", rotation[1])

	send := strings.ReplaceAll(blocks[0], "https://<your host>"+path, col.webhook)
	for _, key := range []string{testAPIKey, nextKey} {
		cmd := exec.Command("bash", "-c", send)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), "OPPTIMA_API_KEY="+key)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s\n%s", send, out)
		assert.Equal(t, `{"accepted":1}`, strings.TrimSpace(string(out)), "the test send with the %s key", map[string]string{testAPIKey: "current", nextKey: "next"}[key])
	}
	cmd := exec.Command("bash", "-c", send)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "OPPTIMA_API_KEY=a-key-nobody-configured")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err)
	assert.Contains(t, string(out), "missing or invalid API key", "any other key is refused")
}

// TestDocumentLinksResolve: every relative link of the README, docs/ and the
// other documents at the top points at a file that exists and, with an
// anchor, at a heading of that file (as GitHub names anchors).
func TestDocumentLinksResolve(t *testing.T) {
	documents, err := filepath.Glob(filepath.Join("..", "*.md"))
	require.NoError(t, err)
	docs, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	require.NoError(t, err)
	documents = append(documents, docs...)
	require.Greater(t, len(docs), 3)

	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, document := range documents {
		data, err := os.ReadFile(document)
		require.NoError(t, err)
		for _, m := range link.FindAllStringSubmatch(withoutCode(string(data)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			file := document
			if path != "" {
				file = filepath.Join(filepath.Dir(document), path)
			}
			info, err := os.Stat(file)
			if !assert.NoError(t, err, "%s links %s", document, target) || anchor == "" {
				continue
			}
			require.False(t, info.IsDir(), "%s links %s with an anchor", document, target)
			assert.Contains(t, anchors(t, file), anchor, "%s links %s: no such heading", document, target)
		}
	}
}

var fence = regexp.MustCompile("(?s)```.*?```")

func withoutCode(text string) string { return fence.ReplaceAllString(text, "") }

// anchors are the GitHub anchors of a Markdown file's headings.
func anchors(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var names []string
	for _, line := range strings.Split(withoutCode(string(data)), "\n") {
		heading := strings.TrimLeft(line, "#")
		if heading == line || !strings.HasPrefix(heading, " ") {
			continue
		}
		name := strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				return unicode.ToLower(r)
			}
			return -1
		}, strings.TrimSpace(heading))
		names = append(names, name)
	}
	return names
}
