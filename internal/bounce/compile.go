package bounce

import (
	"fmt"
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

type compiledPhrase struct {
	rule     int
	segments [][]string
}

// compiledRules is the rule table prepared once: phrases indexed by their
// first word (or two), statuses and reply codes by value, each pointing at
// the first rule that has it.
type compiledRules struct {
	table       []rule // the rules, and last the one that matches nothing
	undefined   int    // its index
	firstWords  wordFilter
	byFirstWord map[uint64][]compiledPhrase // by the hash of the first word, or first two
	byStatus    map[statusKey]int
	byCode      map[int]int
}

var compiled = compileRules(rules)

func compileRules(table []rule) compiledRules {
	c := compiledRules{byFirstWord: map[uint64][]compiledPhrase{}, byStatus: map[statusKey]int{}, byCode: map[int]int{}}
	c.table = append(table[:len(table):len(table)], rule{reason: ReasonUndefined, why: "nothing above matched"})
	c.undefined = len(table)
	for i, r := range c.table {
		category, ok := categoryOf[r.reason]
		if !ok {
			panic(fmt.Sprintf("bounce rule %d: unknown reason %q", i, r.reason))
		}
		c.table[i].category = category
		for _, phrase := range r.phrases {
			p := compiledPhrase{rule: i, segments: phraseSegments(phrase)}
			first := p.segments[0]
			key := foldHash(first[0])
			if len(first) > 1 {
				key = pairHash(key, foldHash(first[1]))
			}
			c.firstWords.add(key)
			c.byFirstWord[key] = append(c.byFirstWord[key], p)
		}
		for _, status := range r.statuses {
			parts := strings.Split(status, ".")
			if len(parts) != 3 || parts[0] != "X" || !isShortNumber(parts[1]) || (parts[2] != "*" && !isShortNumber(parts[2])) {
				panic(fmt.Sprintf("bounce rule %d: status %q is not X.subject.detail", i, status))
			}
			key := statusKeyOf(parts[1], parts[2])
			if _, taken := c.byStatus[key]; !taken {
				c.byStatus[key] = i
			}
		}
		for _, code := range r.codes {
			if _, taken := c.byCode[code]; !taken {
				c.byCode[code] = i
			}
		}
	}
	return c
}

// phraseSegments splits a phrase at its "*" and each part into words, read
// exactly as replies are read.
func phraseSegments(phrase string) [][]string {
	var segments [][]string
	words := 0
	for _, part := range strings.Split(phrase, "*") {
		var segment []string
		for start, end := nextWord(part, 0); start < end; start, end = nextWord(part, end) {
			segment = append(segment, strings.ToLower(part[start:end]))
		}
		if len(segment) == 0 {
			panic(fmt.Sprintf("bounce phrase %q has an empty part or only numbers", phrase))
		}
		segments = append(segments, segment)
		words += len(segment) + maxGap
	}
	if words-maxGap > maxPhraseWords {
		panic(fmt.Sprintf("bounce phrase %q spans more than %d words", phrase, maxPhraseWords))
	}
	return segments
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
