// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFoldWord(t *testing.T) {
	for word, folded := range map[string]string{
		"Buzón":        "buzon",
		"BUZÓN":        "buzon",
		"buzo\u0301n":  "buzon", // decomposed: o + combining acute
		"Usuário":      "usuario",
		"DESCONHECIDO": "desconhecido",
		"refusé":       "refuse",
		"BOÎTE":        "boite",
		"Straße":       "strasse",
		"ŒUVRE":        "oeuvre",
		"ЯЩИК":         "ящик", // other scripts: case only
		"mailbox":      "mailbox",
	} {
		assert.Equal(t, folded, foldWord(word), word)
		assert.True(t, equalFolded(word, folded), word)
		assert.Equal(t, foldHash(folded), foldHash(word), "%s hashes as %s", word, folded)
	}
	assert.False(t, equalFolded("buzones", "buzon"))
	assert.False(t, equalFolded("buzo", "buzon"))
}

// TestPhrasesMatchWithAnyCaseAndDiacritics: users' phrases and built-in
// ones match a reply written with or without diacritics, in any case,
// precomposed or decomposed.
func TestPhrasesMatchWithAnyCaseAndDiacritics(t *testing.T) {
	c, err := NewClassifier([]UserRule{{Phrase: "buzón * vacaciones", Reason: ReasonOnHold}})
	require.NoError(t, err)
	for _, reply := range []string{
		"550 Buzón en modo vacaciones",
		"550 buzon en vacaciones",
		"550 BUZÓN EN VACACIONES",
		"550 BUZON EN MODO VACACIONES",
		"550 buzo\u0301n en vacaciones",
	} {
		got := c.Analyze("", ParseReply(reply), reply)
		assert.Equal(t, ReasonOnHold, got.Reason, reply)
		assert.Equal(t, `bounce_rules[0]: phrase "buzón * vacaciones"`, got.Rule, reply)
	}
	c, err = NewClassifier([]UserRule{{Phrase: "buzon vacaciones", Reason: ReasonOnHold}})
	require.NoError(t, err)
	assert.Equal(t, ReasonOnHold, c.Analyze("", Reply{}, "BUZÓN VACACIONES").Reason, "a phrase written without accents matches a reply with them")

	for reply, reason := range map[string]string{
		"550 BUZÓN LLENO":          ReasonMailboxFull,
		"550 Buzon lleno":          ReasonMailboxFull,
		"550 usuario desconhecido": ReasonUserUnknown,
		"550 USUÁRIO DESCONHECIDO": ReasonUserUnknown,
		"554 Service refuse":       ReasonBlocked,
		"452 Boite pleine":         ReasonMailboxFull,
		"550 DOMINIO INEXISTENTE":  ReasonHostUnknown,
	} {
		assert.Equal(t, reason, Reason(reply, ParseReply(reply)), reply)
	}
}

func TestFoldedReplyAllocatesNothing(t *testing.T) {
	reply := "550 5.2.2 BUZÓN LLENO: el buzo\u0301n del USUÁRIO está lleno, ЯЩИК ПЕРЕПОЛНЕН"
	leading := ParseReply(reply)
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = Analyze("Rebote duro", leading, reply) }))
}

func BenchmarkReasonAccented(b *testing.B) {
	reply := "550 5.1.1 El buzón del usuário no existe: Dirección de correo inválida, verifique la ortografía"
	leading := ParseReply(reply)
	b.ReportAllocs()
	for b.Loop() {
		_ = Reason(reply, leading)
	}
}

// Every character, valid or not, folds without panicking, and a word folds
// to what its characters fold to.
func TestEveryRuneFolds(t *testing.T) {
	for r := rune(0x80); r < 0x3000; r++ {
		s := string(r)
		assert.Equal(t, foldHash(foldWord(s)), foldHash(s), "%U", r)
	}
	assert.Equal(t, foldWord("\xff"), foldWord("\xfe"), "invalid UTF-8 reads as U+FFFD")
}

// BenchmarkCorpus classifies every labelled reply of testdata/bounces: the
// cost per reply of the traffic the classifier is measured on.
func BenchmarkCorpus(b *testing.B) {
	var replies []labelledReply
	for _, name := range seenCorpusFiles {
		replies = append(replies, readCorpus(b, name)...)
	}
	leading := make([]Reply, len(replies))
	for i, r := range replies {
		leading[i] = ParseReply(r.Reply)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i, r := range replies {
			_ = Analyze("", leading[i], r.Reply)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(replies)), "ns/reply")
}

// TestEveryLabelledReplyReadsTheSameShouted: each reply of the corpora gets
// the same reason written in capitals and with its Latin letters' diacritics
// removed, as MTAs that strip them send it.
func TestEveryLabelledReplyReadsTheSameShouted(t *testing.T) {
	for _, name := range seenCorpusFiles {
		for _, r := range readCorpus(t, name) {
			var plain strings.Builder
			for _, c := range r.Reply {
				if folded, n := foldRune(c); c >= 0xC0 && c < 0x250 && n > 0 {
					plain.WriteString(strings.ToUpper(string(folded[:n])))
				} else {
					plain.WriteRune(unicode.ToUpper(c))
				}
			}
			shouted := plain.String()
			assert.Equal(t, Reason(r.Reply, ParseReply(r.Reply)), Reason(shouted, ParseReply(shouted)), "%s", shouted)
		}
	}
}

// foldHash is the hash of a word as scanWord computes it: FNV-1a over its
// folded bytes.
func foldHash(word string) uint64 {
	return scanWord(word, 0).hash
}
