// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"fmt"
	"strconv"
	"strings"
)

// statusKey is an enhanced status code's subject and detail as one number.
type statusKey int

// statusKeyOf is subject and detail (each up to three digits, detail
// possibly "*") as one number.
func statusKeyOf(subject, detail string) statusKey {
	key := 0
	for i := 0; i < len(subject); i++ {
		key = key*10 + int(subject[i]-'0')
	}
	key *= 1001
	if detail == "*" {
		return statusKey(key + 1000)
	}
	for i := 0; i < len(detail); i++ {
		key += int(detail[i]-'0') * pow10[len(detail)-1-i]
	}
	return statusKey(key)
}

var pow10 = [3]int{1, 10, 100}

// Evidence kinds of the built-in table, from the most specific (rules.go
// says why this order; users' rules, stronger still, run before it).
const (
	kindProviderStatus = iota
	kindPhrase
	kindStatus
	kindSymptom
	kindSubjectOrCode
	kindNone
)

// evidence is one thing a reply can hold that decides a reason: its rank
// (kind first, then the rule's place in the table; lower wins), the rule,
// and how opptima.bounce.rule names it.
type evidence struct {
	rank  int
	rule  int
	label string
}

type compiledPhrase struct {
	evidence int
	rank     int // the evidence's, kept here for the hot loop
	segments [][]string
}

// compiledRules is the rule table prepared once: phrases indexed by their
// first word (or two), statuses and reply codes by value, each pointing at
// the evidence that ranks first for it.
type compiledRules struct {
	table       []rule // the rules, and last the one that matches nothing
	evidence    []evidence
	none        int // the evidence of no match
	firstWords  wordFilter
	byFirstWord map[uint64][]compiledPhrase // by the hash of the first word, or first two
	byStatus    map[statusKey]int
	byCode      map[int]int
}

var compiled = compileRules(rules)

func compileRules(table []rule) compiledRules {
	c := compiledRules{byFirstWord: map[uint64][]compiledPhrase{}, byStatus: map[statusKey]int{}, byCode: map[int]int{}}
	c.table = append(table[:len(table):len(table)], rule{name: "none", reason: ReasonUndefined, why: "nothing above matched"})
	add := func(kind, rule int, label string) int {
		c.evidence = append(c.evidence, evidence{rank: kind*len(c.table) + rule, rule: rule, label: label})
		return len(c.evidence) - 1
	}
	for i, r := range c.table {
		category, ok := categoryOf[r.reason]
		if !ok {
			panic(fmt.Sprintf("bounce rule %d: unknown reason %q", i, r.reason))
		}
		c.table[i].category = category
		type labelled struct{ phrase, label string }
		var phrases, symptoms []labelled
		for _, phrase := range r.phrases {
			phrases = append(phrases, labelled{phrase, fmt.Sprintf("%s: phrase %q", r.name, phrase)})
		}
		for _, family := range r.families {
			pairs, err := familyPairs(family)
			if err != nil {
				panic(fmt.Sprintf("bounce rule %d: %v", i, err))
			}
			for _, pair := range pairs {
				label := fmt.Sprintf("%s: family %q", r.name, pair[0]+" ~ "+pair[1])
				for _, phrase := range []string{pair[0] + " " + pair[1], pair[0] + " * " + pair[1], pair[1] + " " + pair[0], pair[1] + " * " + pair[0]} {
					phrases = append(phrases, labelled{phrase, label})
				}
			}
		}
		for _, phrase := range r.symptoms {
			symptoms = append(symptoms, labelled{phrase, fmt.Sprintf("%s: symptom %q", r.name, phrase)})
		}
		for _, group := range []struct {
			kind    int
			phrases []labelled
		}{{kindPhrase, phrases}, {kindSymptom, symptoms}} {
			for _, phrase := range group.phrases {
				segments, err := phraseSegments(phrase.phrase)
				if err != nil {
					panic(fmt.Sprintf("bounce rule %d: %v", i, err))
				}
				e := add(group.kind, i, phrase.label)
				p := compiledPhrase{evidence: e, rank: c.evidence[e].rank, segments: segments}
				first := p.segments[0]
				key := foldHash(first[0])
				if len(first) > 1 {
					key = pairHash(key, foldHash(first[1]))
				}
				c.firstWords.add(key)
				c.byFirstWord[key] = append(c.byFirstWord[key], p)
			}
		}
		for _, status := range r.providerStatuses {
			for _, key := range statusKeys(i, status) {
				keepStronger(&c, c.byStatus, key, add(kindProviderStatus, i, fmt.Sprintf("%s: provider status %s", r.name, status)))
			}
		}
		for _, status := range r.statuses {
			kind := kindStatus
			if strings.HasSuffix(status, ".*") {
				kind = kindSubjectOrCode
			}
			for _, key := range statusKeys(i, status) {
				keepStronger(&c, c.byStatus, key, add(kind, i, fmt.Sprintf("%s: status %s", r.name, status)))
			}
		}
		for _, code := range r.codes {
			keepStronger(&c, c.byCode, code, add(kindSubjectOrCode, i, fmt.Sprintf("%s: reply code %d", r.name, code)))
		}
	}
	c.none = add(kindNone, len(c.table)-1, "none")
	return c
}

// keepStronger makes m hold evidence e for key unless it holds a stronger one.
func keepStronger[K comparable](c *compiledRules, m map[K]int, key K, e int) {
	if old, taken := m[key]; !taken || c.evidence[e].rank < c.evidence[old].rank {
		m[key] = e
	}
}

// statusKeys reads "X.subject.detail", "X.subject.*" or
// "X.subject.first-last" into the keys it stands for.
func statusKeys(rule int, status string) []statusKey {
	parts := strings.Split(status, ".")
	if len(parts) != 3 || parts[0] != "X" || !isShortNumber(parts[1]) {
		panic(fmt.Sprintf("bounce rule %d: status %q is not X.subject.detail", rule, status))
	}
	if parts[2] == "*" {
		return []statusKey{statusKeyOf(parts[1], "*")}
	}
	first, last, isRange := strings.Cut(parts[2], "-")
	if !isRange {
		last = first
	}
	if !isShortNumber(first) || !isShortNumber(last) {
		panic(fmt.Sprintf("bounce rule %d: status %q is not X.subject.detail", rule, status))
	}
	from, _ := strconv.Atoi(first)
	to, _ := strconv.Atoi(last)
	var keys []statusKey
	for d := from; d <= to; d++ {
		keys = append(keys, statusKeyOf(parts[1], strconv.Itoa(d)))
	}
	return keys
}

// phraseSegments splits a phrase at its "*" and each part into words, read
// exactly as replies are read.
func phraseSegments(phrase string) ([][]string, error) {
	var segments [][]string
	words := 0
	for _, part := range strings.Split(phrase, "*") {
		var segment []string
		for from := 0; ; {
			w := scanWord(part, from)
			if w.start == w.end {
				break
			}
			if w.numeric {
				// Replies are read without number-only words: "rfc 5322" would be "rfc".
				return nil, fmt.Errorf("phrase %q has a number-only word, which replies are read without", phrase)
			}
			segment = append(segment, foldWord(part[w.start:w.end]))
			from = w.end
		}
		if len(segment) == 0 {
			return nil, fmt.Errorf("phrase %q has an empty part or no word", phrase)
		}
		segments = append(segments, segment)
		words += len(segment) + maxGap
	}
	if words-maxGap > maxPhraseWords {
		return nil, fmt.Errorf("phrase %q spans more than %d words", phrase, maxPhraseWords)
	}
	return segments, nil
}

// familyPairs reads "a|b ~ c|d" into its pairs of alternatives, one of
// each side.
func familyPairs(family string) ([][2]string, error) {
	left, right, ok := strings.Cut(family, "~")
	if !ok || strings.Contains(right, "~") || strings.Contains(family, "*") {
		return nil, fmt.Errorf("family %q is not \"a|b ~ c|d\"", family)
	}
	var pairs [][2]string
	for _, a := range strings.Split(left, "|") {
		for _, b := range strings.Split(right, "|") {
			a, b := strings.TrimSpace(a), strings.TrimSpace(b)
			if a == "" || b == "" {
				return nil, fmt.Errorf("family %q has an empty alternative", family)
			}
			pairs = append(pairs, [2]string{a, b})
		}
	}
	return pairs, nil
}

// pairHash is the key of two words in a row, from their foldHash.
func pairHash(first, second uint64) uint64 {
	return (first*31 ^ second) * 1099511628211
}

// phrasesStartingWith returns the phrases whose key may be h.
func (c *compiledRules) phrasesStartingWith(h uint64) []compiledPhrase {
	if !c.firstWords.has(h) {
		return nil // most words start no phrase: one bit says so
	}
	return c.byFirstWord[h]
}

// wordFilter has a bit set for the hash of every word a phrase starts with.
type wordFilter [1024]uint64

func (f *wordFilter) add(h uint64)      { f[h>>6&1023] |= 1 << (h & 63) }
func (f *wordFilter) has(h uint64) bool { return f[h>>6&1023]&(1<<(h&63)) != 0 }
