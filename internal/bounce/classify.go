// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import "unicode/utf8"

// Analysis is what a bounce tells about itself.
type Analysis struct {
	Type     string // hard, soft or unknown
	Reason   string // one of the Reason* values
	Category string // one of the Category* values, from Reason
	Rule     string // what decided the reason
}

// Analyze classifies a bounce from Opptima's status, the reply's leading
// codes and the reply's whole text (for certified emails, the JSON of the
// delivery steps, whose results carry the reply).
func Analyze(status string, leading Reply, text string) Analysis {
	e := compiled.evidence[compiled.evidenceOf(text, leading)]
	r := compiled.table[e.rule]
	return Analysis{Type: Type(status, leading), Reason: r.reason, Category: r.category, Rule: e.label}
}

// Reason reads why a message bounced from the recipient server's reply:
// the reason of the strongest evidence the reply's words, enhanced status
// codes or leading reply code hold (rules.go); undefined when none does.
func Reason(text string, leading Reply) string {
	return compiled.table[compiled.evidence[compiled.evidenceOf(text, leading)].rule].reason
}

// evidenceOf returns the strongest evidence the reply holds, or the one of
// no match. It reads the reply once, in place, and allocates nothing.
func (c *compiledRules) evidenceOf(text string, leading Reply) int {
	if len(text) > maxReplyBytes {
		text = text[:maxReplyBytes]
	}
	best := stronger(c, c.none, c.byCode, leading.Code)

	// "5.7.1": a status code starts with a digit where a word would start.
	for i := 0; i < len(text); i++ {
		if digitBytes[text[i]] == 0 || (i > 0 && isWordByte(text[i-1])) {
			continue
		}
		if subject, detail, after, ok := enhancedStatusAt(text, i); ok {
			best = stronger(c, best, c.byStatus, statusKeyOf(subject, detail))
			best = stronger(c, best, c.byStatus, statusKeyOf(subject, "*"))
			i = after - 1
		}
	}

	// Phrases are indexed by their first word, or first two words when the
	// first segment has two: each word is looked up alone and as the second
	// of a pair, and the words that follow are compared only on a hit.
	ahead := lookahead{text: text}
	prevHash := uint64(0)
	for index := 0; ; index++ {
		hash, ok := ahead.word(index)
		if !ok {
			break
		}
		for _, hit := range [2]struct {
			index int
			hash  uint64
		}{{index, hash}, {index - 1, pairHash(prevHash, hash)}} {
			phrases := c.phrasesStartingWith(hit.hash)
			if len(phrases) == 0 || hit.index < 0 {
				continue
			}
			bestRank := c.evidence[best].rank
			var words window
			read := false
			for i := range phrases {
				p := &phrases[i]
				if p.rank >= bestRank {
					continue // cannot beat what was found: no need to read on
				}
				if !read {
					words, read = ahead.window(hit.index), true
				}
				if p.other != nil {
					if e, ok := words.matchFamily(p.segments[0], p.other); ok {
						best, bestRank = e, p.rank
					}
				} else if words.match(0, p.segments) {
					best, bestRank = p.evidence, p.rank
				}
			}
		}
		prevHash = hash
	}
	return best
}

// lookahead reads a reply's words (numbers left out) once, ahead of where
// phrases are looked for, and keeps the last ones read: a phrase starting
// at any word the loop is on finds the words that follow without reading
// them again.
type lookahead struct {
	text    string
	spans   [16][2]int // by index modulo 16, more than a phrase spans
	hashes  [16]uint64
	n       int // words read
	next    int // where reading resumes
	plainTo int // the words before are known to be outside an address
}

// readTo reads words until n are read or the reply ends. The words of an
// email address are skipped: an address is never why a reply bounced, and
// recipients' and senders' names hold any word ("dmarc-reports@",
// "spam@", "this-user-does-not-exist@").
func (l *lookahead) readTo(n int) {
	for l.n < n && l.next < len(l.text) {
		word := scanWord(l.text, l.next)
		l.next = word.end
		if word.start == word.end {
			break
		}
		if word.start >= l.plainTo && !standsAlone(l.text, word) {
			start, end := tokenAround(l.text, word.start)
			if isAddress(l.text[start:end]) {
				l.next = end
				continue
			}
			l.plainTo = end
		}
		if !word.numeric {
			l.spans[l.n&15], l.hashes[l.n&15] = [2]int{word.start, word.end}, word.hash
			l.n++
		}
	}
}

// standsAlone reports whether w is a token of its own, so no address.
func standsAlone(s string, w word) bool {
	return (w.start == 0 || addressEnds[s[w.start-1]]) && (w.end == len(s) || addressEnds[s[w.end]])
}

// tokenAround is the run of bytes around s[at] that an address may span:
// up to white space, brackets, quotes and the punctuation that ends a
// clause.
func tokenAround(s string, at int) (start, end int) {
	start, end = at, at
	for start > 0 && !addressEnds[s[start-1]] {
		start--
	}
	for end < len(s) && !addressEnds[s[end]] {
		end++
	}
	return start, end
}

// isAddress reports whether a token is an email address: an "@" with a
// word byte on each side.
func isAddress(token string) bool {
	for i := 1; i+1 < len(token); i++ {
		if token[i] == '@' && isWordByte(token[i-1]) && isWordByte(token[i+1]) {
			return true
		}
	}
	return false
}

var addressEnds = func() (table [256]bool) {
	for _, c := range []byte(" \t\r\n<>()[]{}\"',;:|=") {
		table[c] = true
	}
	return table
}()

// word returns the hash of the index-th word, false past the last.
func (l *lookahead) word(index int) (uint64, bool) {
	l.readTo(index + 1)
	if index >= l.n {
		return 0, false
	}
	return l.hashes[index&15], true
}

// window returns the words from the index-th on, read in place.
func (l *lookahead) window(index int) window {
	l.readTo(index + maxPhraseWords)
	return window{words: l, base: index, n: min(l.n-index, maxPhraseWords)}
}

// stronger returns the evidence m holds for key when it ranks before best.
func stronger[K comparable](c *compiledRules, best int, m map[K]int, key K) int {
	if e, ok := m[key]; ok && c.evidence[e].rank < c.evidence[best].rank {
		return e
	}
	return best
}

// Words of a reply are runs of ASCII letters and digits and of non-ASCII
// bytes (so "buzón" is one word), compared folded: without regard to case
// or to the diacritics of Latin letters (fold.go).
// Runs of digits alone are not words: they are codes, line continuations
// and addresses, never the wording. Only the first maxReplyBytes are read:
// the telling part of a reply comes first.
const (
	maxReplyBytes = 2048
	maxGap        = 3 // words a "*" in a phrase stands for, at most
)

type word struct {
	start, end int
	hash       uint64 // FNV-1a over the word's folded bytes (fold.go)
	numeric    bool
}

// scanWord returns the first run of word bytes at or after s[from:],
// numeric or not; start == end when there is none.
func scanWord(s string, from int) word {
	i := from
	for i < len(s) && !isWordByte(s[i]) {
		i++
	}
	w := word{start: i, hash: fnvOffset}
	digits := 0
	for i < len(s) && isWordByte(s[i]) {
		if c := s[i]; c < utf8.RuneSelf {
			digits += int(digitBytes[c])
			w.hash = (w.hash ^ uint64(lowerBytes[c])) * fnvPrime
			i++
			continue
		}
		// Every byte of a UTF-8 character is a word byte: it is read whole.
		r, size := utf8.DecodeRuneInString(s[i:])
		folded, n := foldRune(r)
		for _, c := range folded[:n] {
			w.hash = (w.hash ^ uint64(c)) * fnvPrime
		}
		i += size
	}
	w.end = i
	w.numeric = digits == i-w.start
	return w
}

// window is the words from where a phrase may start, as the lookahead
// read them: no phrase, with its gaps, spans more words than it holds.
type window struct {
	words   *lookahead
	base, n int
}

const maxPhraseWords = 12

func (w *window) hash(i int) uint64 { return w.words.hashes[(w.base+i)&15] }

func (w *window) word(i int) string {
	span := w.words.spans[(w.base+i)&15]
	return w.words.text[span[0]:span[1]]
}

// match reports whether segments match from word i, each segment after the
// first starting one to maxGap words after the previous one ended. Words
// are compared by hash, and a match is confirmed on the words' bytes.
func (w *window) match(i int, segments [][]phraseWord) bool {
	return w.matchBy(i, segments, false) && w.matchBy(i, segments, true)
}

func (w *window) matchBy(i int, segments [][]phraseWord, bytes bool) bool {
	first := segments[0]
	if !w.wordsAt(i, first, bytes) {
		return false
	}
	if len(segments) == 1 {
		return true
	}
	for gap := 1; gap <= maxGap; gap++ {
		if w.matchBy(i+len(first)+gap, segments[1:], bytes) {
			return true
		}
	}
	return false
}

// wordsAt reports whether the words from i are these, by hash or, when
// bytes, by their folded bytes.
func (w *window) wordsAt(i int, words []phraseWord, bytes bool) bool {
	if i+len(words) > w.n {
		return false
	}
	for k, want := range words {
		if w.hash(i+k) != want.hash || bytes && !equalFolded(w.word(i+k), want.folded) {
			return false
		}
	}
	return true
}

// matchFamily: the window starts with the alternative a family's side, and
// an alternative of its other side starts within maxGap words after it; it
// returns that pair's evidence.
func (w *window) matchFamily(alternative []phraseWord, other *familySide) (int, bool) {
	if !w.wordsAt(0, alternative, false) {
		return 0, false
	}
	for gap := 0; gap <= maxGap; gap++ {
		at := len(alternative) + gap
		if at >= w.n {
			break
		}
		h := w.hash(at)
		if !other.mayStart(h) {
			continue
		}
		for i, b := range other.alternatives {
			if b[0].hash == h && w.wordsAt(at, b, false) && w.wordsAt(0, alternative, true) && w.wordsAt(at, b, true) {
				return other.evidence[i], true
			}
		}
	}
	return 0, false
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func toLowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isWordByte: ASCII letters and digits, and every byte of a multi-byte
// UTF-8 character.
func isWordByte(c byte) bool { return wordBytes[c] }

// lowerBytes lower-cases ASCII letters; digitBytes is 1 for ASCII digits.
var lowerBytes, digitBytes = func() (lower, digit [256]byte) {
	for c := range lower {
		lower[c] = toLowerASCII(byte(c))
		if isDigit(byte(c)) {
			digit[c] = 1
		}
	}
	return lower, digit
}()

var wordBytes = func() (table [256]bool) {
	for c := range table {
		table[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
	}
	return table
}()

// enhancedStatusAt reads an RFC 3463 code class.subject.detail (class 2,
// 4 or 5) at s[i:] standing on its own (not inside a word, a version or an
// IP address), and returns where it ends.
func enhancedStatusAt(s string, i int) (subject, detail string, after int, found bool) {
	if i+5 > len(s) || (s[i] != '2' && s[i] != '4' && s[i] != '5') || s[i+1] != '.' || (i > 0 && s[i-1] == '.') {
		return "", "", i, false
	}
	j := i + 2
	subject, j = digitsAt(s, j)
	if subject == "" || j >= len(s) || s[j] != '.' {
		return "", "", i, false
	}
	detail, j = digitsAt(s, j+1)
	if detail == "" || (j < len(s) && isWordByte(s[j])) || (j+1 < len(s) && s[j] == '.' && isDigit(s[j+1])) {
		return "", "", i, false
	}
	return subject, detail, j, true
}

// digitsAt returns the one to three digits at s[i:] and the index after them.
func digitsAt(s string, i int) (string, int) {
	j := i
	for j < len(s) && j-i < 3 && isDigit(s[j]) {
		j++
	}
	if j < len(s) && isDigit(s[j]) {
		return "", j // more than three digits: not a status
	}
	return s[i:j], j
}
