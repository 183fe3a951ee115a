// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A family stands for many wordings of one cause; a phrase for one. These
// tests keep the table to families wherever a family does at least as well
// as the phrases it stands for, measured by whole sources.

// TestNoPhraseRepeatsItsFamily: a phrase that a family of its own rule
// already matches is a wording the family stands for, and goes.
func TestNoPhraseRepeatsItsFamily(t *testing.T) {
	for i, r := range rules {
		if len(r.families) == 0 {
			continue
		}
		families := compileRules([]rule{{name: r.name, reason: r.reason, families: r.families}})
		for _, phrase := range append(slices.Clone(r.phrases), r.symptoms...) {
			// A gap is one to three words: the family repeats the phrase
			// when it matches with either.
			repeated := true
			for _, gap := range []string{"xa", "xa xb xc"} {
				wording := strings.ReplaceAll(phrase, "*", gap)
				repeated = repeated && families.evidenceOf(wording, Reply{}) != families.none
			}
			assert.False(t, repeated, "rule %d (%s): phrase %q is a wording of its family: remove it", i, r.name, phrase)
		}
	}
}

// TestEveryFamilyDoesAtLeastAsWellAsItsWordings scores each family against
// the phrases it stands for: the very wordings it matches in the labelled
// corpora, each as a phrase of the same rule. Leave-one-source-out removes
// what only the scored source supports, so a wording that one source uses
// is lost where a family that several sources' wordings share is kept.
// With the family, category accuracy over replies, reputation precision and
// reputation recall are no lower than with its wordings in its place.
func TestEveryFamilyDoesAtLeastAsWellAsItsWordings(t *testing.T) {
	if testing.Short() {
		t.Skip("scores the corpora once per family")
	}
	all := seenCorpora(t)
	support := newSupport(all)
	with := support.leaveOneSourceOut(rules, nil)
	for i, r := range rules {
		for _, family := range r.families {
			wordings := familyWordings(t, family, all)
			table := slices.Clone(rules)
			table[i].families = slices.DeleteFunc(slices.Clone(r.families), func(f string) bool { return f == family })
			table[i].phrases = append(slices.Clone(r.phrases), wordings...)
			without := support.leaveOneSourceOut(table, nil)
			t.Logf("%s %q: category %.1f %% (its %d wordings: %.1f %%), reputation precision %.1f %% (%.1f %%), recall %.1f %% (%.1f %%)",
				r.name, family, 100*with.category(), len(wordings), 100*without.category(),
				100*with.reputationPrecision(), 100*without.reputationPrecision(), 100*with.reputationRecall(), 100*without.reputationRecall())
			assert.GreaterOrEqual(t, with.right, without.right, "%s %q: category, over replies", r.name, family)
			assert.GreaterOrEqual(t, with.reputationPrecision(), without.reputationPrecision(), "%s %q: reputation precision", r.name, family)
			assert.GreaterOrEqual(t, with.reputationRecall(), without.reputationRecall(), "%s %q: reputation recall", r.name, family)
		}
	}
}

// familyWordings are the phrases a family matches in replies: from the
// first word of one side's alternative to the last of the other's, as the
// reply words them.
func familyWordings(t *testing.T, family string, replies []labelledReply) []string {
	pairs, err := familyPairs(family)
	if err != nil {
		t.Fatal(err)
	}
	var wordings []string
	for _, r := range replies {
		words := foldedWords(r.Reply)
		for _, pair := range pairs {
			for _, order := range [][2]string{pair, {pair[1], pair[0]}} {
				first, second := strings.Fields(foldWord(order[0])), strings.Fields(foldWord(order[1]))
				for at := range words {
					if !hasWordsAt(words, at, first) {
						continue
					}
					end := at + len(first)
					for gap := 0; gap <= maxGap; gap++ {
						if hasWordsAt(words, end+gap, second) {
							wording := strings.Join(words[at:end+gap+len(second)], " ")
							if !slices.Contains(wordings, wording) {
								wordings = append(wordings, wording)
							}
							break
						}
					}
				}
			}
		}
	}
	return wordings
}

// foldedWords are the words of a reply as phrases read them (lookahead):
// folded, with no number-only word and no word of an email address.
func foldedWords(reply string) []string {
	var words []string
	ahead := lookahead{text: reply}
	for i := 0; ; i++ {
		if _, ok := ahead.word(i); !ok {
			return words
		}
		span := ahead.spans[i&15]
		words = append(words, foldWord(reply[span[0]:span[1]]))
	}
}

func hasWordsAt(words []string, at int, want []string) bool {
	return at+len(want) <= len(words) && slices.Equal(words[at:at+len(want)], want)
}

func TestFamilyWordings(t *testing.T) {
	got := familyWordings(t, "mailbox|inbox ~ full|lleno", []labelledReply{
		{Reply: "552 5.2.2 Mailbox is FULL"},
		{Reply: "452 Buzón lleno"},
		{Reply: "552 full mailbox"},
		{Reply: "552 mailbox of user one two three four full"},
		{Reply: "550 <mailbox-full@example.com> unknown"}, // an address is not read
	})
	assert.Equal(t, []string{"mailbox is full", "full mailbox"}, got, fmt.Sprint(got))
}
