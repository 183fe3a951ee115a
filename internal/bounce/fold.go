// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"unicode"
	"unicode/utf8"
)

// Words are compared folded: case folded for every script, and the
// diacritics of Latin letters removed, so that "Buzón", "buzon" and "BUZÓN"
// are one word. Replies reach Latin American senders written both ways, and
// many MTAs strip diacritics. A precomposed Latin letter folds through the
// table below; a decomposed one ("o" + U+0301) loses its combining mark;
// any other letter is lower-cased (unicode.ToLower, Go's simple case
// mapping). The folded word is read a byte at a time, in place: folding
// allocates nothing.

// latinFolds are the folded forms of U+00C0 to U+024F (Latin-1 Supplement,
// Latin Extended-A and -B) that have one; the others fold by case alone.
var latinFolds = func() (table [0x250 - 0xC0]string) {
	for base, letters := range map[string]string{
		"a":  "ÀÁÂÃÄÅàáâãäåĀāĂăĄąǍǎǞǟǠǡǺǻȀȁȂȃȦȧ",
		"c":  "ÇçĆćĈĉĊċČč",
		"d":  "ĎďĐđ",
		"e":  "ÈÉÊËèéêëĒēĔĕĖėĘęĚěȄȅȆȇȨȩ",
		"g":  "ĜĝĞğĠġĢģǦǧǴǵ",
		"h":  "ĤĥĦħȞȟ",
		"i":  "ÌÍÎÏìíîïĨĩĪīĬĭĮįİıǏǐȈȉȊȋ",
		"j":  "Ĵĵǰ",
		"k":  "ĶķǨǩ",
		"l":  "ĹĺĻļĽľĿŀŁł",
		"n":  "ÑñŃńŅņŇňǸǹ",
		"o":  "ÒÓÔÕÖØòóôõöøŌōŎŏŐőǑǒǪǫǬǭǾǿȌȍȎȏȪȫȬȭȮȯȰȱ",
		"r":  "ŔŕŖŗŘřȐȑȒȓ",
		"s":  "ŚśŜŝŞşŠšȘș",
		"t":  "ŢţŤťŦŧȚț",
		"u":  "ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųǓǔǕǖǗǘǙǚǛǜȔȕȖȗ",
		"w":  "Ŵŵ",
		"y":  "ÝýÿŶŷŸȲȳ",
		"z":  "ŹźŻżŽž",
		"ae": "ÆæǼǽǢǣ",
		"oe": "Œœ",
		"ss": "ß",
		"th": "Þþ",
	} {
		for _, r := range letters {
			table[r-0xC0] = base
		}
	}
	return table
}()

// foldRune is the folded form of a non-ASCII r, in folded[:n]: ASCII
// letters for a Latin letter of the table, nothing for a combining mark,
// else r lower-cased.
func foldRune(r rune) (folded [utf8.UTFMax]byte, n int) {
	switch {
	case r >= 0xC0 && r < 0x250:
		if s := latinFolds[r-0xC0]; s != "" {
			return folded, copy(folded[:], s)
		}
	case r >= 0x300 && r < 0x370: // the combining diacritical marks of NFD
		return folded, 0
	case unicode.Is(unicode.Mn, r):
		return folded, 0
	}
	lower := unicode.ToLower(r)
	if lower >= 0xC0 && lower < 0x250 && latinFolds[lower-0xC0] != "" {
		// Another code point for a Latin letter: "ẞ" is "ß", "Å" (the
		// angstrom sign) is "å".
		return folded, copy(folded[:], latinFolds[lower-0xC0])
	}
	return folded, utf8.EncodeRune(folded[:], lower)
}

// folder reads a word's folded bytes in order.
type folder struct {
	word    string
	i       int
	pending [utf8.UTFMax]byte
	p, n    int // pending[p:n] are still to be read
}

// next returns the next folded byte, or false at the end of the word.
func (f *folder) next() (byte, bool) {
	for f.p == f.n {
		if f.i >= len(f.word) {
			return 0, false
		}
		if c := f.word[f.i]; c < utf8.RuneSelf {
			f.i++
			return lowerBytes[c], true
		}
		r, size := utf8.DecodeRuneInString(f.word[f.i:])
		f.i += size
		f.pending, f.n = foldRune(r)
		f.p = 0
	}
	c := f.pending[f.p]
	f.p++
	return c, true
}

// foldWord is a word's folded form, for the phrases compiled once.
func foldWord(word string) string {
	f := folder{word: word}
	var folded []byte
	for c, ok := f.next(); ok; c, ok = f.next() {
		folded = append(folded, c)
	}
	return string(folded)
}

// equalFolded compares a reply's word with a phrase word already folded.
func equalFolded(word, folded string) bool {
	// ASCII bytes fold one for one: compare them in place up to the first
	// other byte.
	i := 0
	for ; i < len(word) && word[i] < utf8.RuneSelf; i++ {
		if i >= len(folded) || lowerBytes[word[i]] != folded[i] {
			return false
		}
	}
	if i == len(word) {
		return i == len(folded)
	}
	word, folded = word[i:], folded[i:]
	f := folder{word: word}
	for i := 0; i < len(folded); i++ {
		if c, ok := f.next(); !ok || c != folded[i] {
			return false
		}
	}
	_, more := f.next()
	return !more
}
