// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeStatesTheClassifierFigures: the README leads with how far to
// trust the bounce category, measured six ways, and this test holds each
// row of its table to what the corpora measure today, so that a change of
// the rules or the corpora that moves a figure fails until the README says
// so.
func TestReadmeStatesTheClassifierFigures(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	seen := seenCorpora(t)
	c := compileRules(rules)
	loo := leaveOneSourceOut(rules, seen, nil)
	var sisimaiSMTP []labelledReply
	for _, r := range readCorpus(t, "sisimai-unseen-replies.json") {
		if smtpReply.MatchString(r.Reply) {
			sisimaiSMTP = append(sisimaiSMTP, r)
		}
	}
	rows := []string{
		row(measure(&c, seen), fmt.Sprintf("the %d sources the rules were written from", len(loo.sources))),
		row(figures{replies: int(loo.replies), category: loo.category(), precision: loo.reputationPrecision(), recall: loo.reputationRecall(), undefined: loo.undefined / loo.replies},
			"each of those sources, scored with the rules not written from it"),
		row(measure(&c, readCorpus(t, "sisimai-held-out-replies.json")), "replies of those sources that nobody read: Sisimai's even-numbered samples"),
		row(measure(&c, sisimaiSMTP), "sources nobody wrote rules from: Sisimai's samples, SMTP replies"),
		row(measure(&c, readCorpus(t, "documented-unseen-replies.json")), "sources nobody wrote rules from: providers' and hosts' pages"),
		row(measure(&c, readCorpus(t, "mta-source-unseen-replies.json")), "sources nobody wrote rules from: mail servers' own replies, from their source"),
	}
	for _, want := range rows {
		assert.True(t, strings.Contains(string(readme), want+"\n"), "README.md lacks the row\n%s", want)
	}
}

// row is f as a row of the README's table.
func row(f figures, measuredOn string) string {
	return fmt.Sprintf("| %s | %d | %.1f %% | %.1f %% | %.1f %% | %.1f %% |", measuredOn, f.replies, 100*f.category, 100*f.precision, 100*f.recall, 100*f.undefined)
}

// update rewrites the per-source table of docs/records.md (make generate).
var update = flag.Bool("update", false, "write docs/records.md's leave-one-source-out table of every source")

const (
	sourcesTableStart = "<!-- every source: written by go test ./internal/bounce -run TestRecordsReportEverySource -update (make generate) -->\n"
	sourcesTableEnd   = "<!-- end of every source -->\n"
)

// TestRecordsReportEverySource: docs/records.md gives leave-one-source-out
// for every source, worst first, as the corpora measure it today.
func TestRecordsReportEverySource(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "records.md")
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	var table strings.Builder
	table.WriteString("| source | replies | category, tuned | category, leave-one-source-out | items only it supports |\n|---|---|---|---|---|\n")
	for _, s := range leaveOneSourceOut(rules, seenCorpora(t), nil).sources {
		fmt.Fprintf(&table, "| %s | %d | %.1f %% | %.1f %% | %d |\n", s.source, s.replies, 100*s.tuned, 100*s.unseen, s.removed)
	}
	before, rest, found := strings.Cut(string(doc), sourcesTableStart)
	require.True(t, found, "docs/records.md has the line %q", sourcesTableStart)
	_, after, found := strings.Cut(rest, sourcesTableEnd)
	require.True(t, found, "docs/records.md has the line %q", sourcesTableEnd)
	want := before + sourcesTableStart + table.String() + sourcesTableEnd + after
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
		return
	}
	assert.True(t, want == string(doc), "docs/records.md's table of every source is not today's: go test ./internal/bounce -run TestRecordsReportEverySource -update")
}
