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
// (kind first, then the rule's place in the table, then a rule's phrases
// before its families; lower wins), the rule, and how opptima.bounce.rule
// names it.
type evidence struct {
	rank  int
	rule  int
	label string
}

type compiledPhrase struct {
	evidence int
	rank     int // the evidence's, kept here for the hot loop
	segments [][]phraseWord
	// other is set on a family's alternative (segments holds its words):
	// the other side, one of whose alternatives must follow within maxGap
	// words; the evidence is then that pair's.
	other *familySide
}

// familySide is one side of a family as the other side looks for it: its
// alternatives, a filter of their first words, and for each the evidence
// of the pair it makes with the alternative looking.
type familySide struct {
	alternatives [][]phraseWord
	firstWords   [4]uint64 // a bit per first word's hash modulo 256
	evidence     []int     // by alternative
}

func (s *familySide) mayStart(h uint64) bool { return s.firstWords[h>>6&3]&(1<<(h&63)) != 0 }

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
		c.evidence = append(c.evidence, evidence{rank: 2 * (kind*len(c.table) + rule), rule: rule, label: label})
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
			c.addFamily(i, family, add)
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
				c.index(compiledPhrase{evidence: e, rank: c.evidence[e].rank, segments: segments})
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
func phraseSegments(phrase string) ([][]phraseWord, error) {
	var segments [][]phraseWord
	words := 0
	for _, part := range strings.Split(phrase, "*") {
		var segment []phraseWord
		for from := 0; ; {
			w := scanWord(part, from)
			if w.start == w.end {
				break
			}
			if w.numeric {
				// Replies are read without number-only words: "rfc 5322" would be "rfc".
				return nil, fmt.Errorf("phrase %q has a number-only word, which replies are read without", phrase)
			}
			segment = append(segment, phraseWord{folded: foldWord(part[w.start:w.end]), hash: w.hash})
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

// index files a phrase under its first word, or its first two words.
func (c *compiledRules) index(p compiledPhrase) {
	first := p.segments[0]
	key := first[0].hash
	if len(first) > 1 {
		key = pairHash(key, first[1].hash)
	}
	c.firstWords.add(key)
	c.byFirstWord[key] = append(c.byFirstWord[key], p)
}

// addFamily indexes each alternative of each side of a family by its first
// word, as a phrase is, with the other side to look for after it.
func (c *compiledRules) addFamily(rule int, family string, add func(kind, rule int, label string) int) {
	left, right, err := familySides(family)
	if err != nil {
		panic(fmt.Sprintf("bounce rule %d: %v", rule, err))
	}
	words := func(alternative string) []phraseWord {
		segments, err := phraseSegments(alternative)
		if err != nil || len(segments) != 1 {
			panic(fmt.Sprintf("bounce rule %d: family %q: alternative %q is not words", rule, family, alternative))
		}
		return segments[0]
	}
	// Either side may come first: each looks for the other after it.
	for first, sides := range [2][2][]string{{left, right}, {right, left}} {
		for _, alternative := range sides[0] {
			other := &familySide{}
			for _, b := range sides[1] {
				pair := alternative + " ~ " + b
				if first == 1 {
					pair = b + " ~ " + alternative
				}
				w := words(b)
				other.alternatives = append(other.alternatives, w)
				h := w[0].hash
				other.firstWords[h>>6&3] |= 1 << (h & 63)
				e := add(kindPhrase, rule, fmt.Sprintf("%s: family %q", c.table[rule].name, pair))
				c.evidence[e].rank++ // after the rule's own phrases, before the next rule's
				other.evidence = append(other.evidence, e)
			}
			w := words(alternative)
			p := compiledPhrase{evidence: other.evidence[0], rank: c.evidence[other.evidence[0]].rank, segments: [][]phraseWord{w}, other: other}
			c.index(p)
		}
	}
}

// familySides reads "a|b ~ c|d" into its two sides' alternatives.
func familySides(family string) (left, right []string, err error) {
	l, r, ok := strings.Cut(family, "~")
	if !ok || strings.Contains(r, "~") || strings.Contains(family, "*") {
		return nil, nil, fmt.Errorf("family %q is not \"a|b ~ c|d\"", family)
	}
	for _, side := range [2]*[]string{&left, &right} {
		text := l
		if side == &right {
			text = r
		}
		for _, a := range strings.Split(text, "|") {
			if a = strings.TrimSpace(a); a == "" {
				return nil, nil, fmt.Errorf("family %q has an empty alternative", family)
			}
			*side = append(*side, a)
		}
	}
	return left, right, nil
}

// phraseWord is a word of a phrase, folded, and its hash as replies' words
// are hashed.
type phraseWord struct {
	folded string
	hash   uint64
}

// pairHash is the key of two words in a row, from their hashes.
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
