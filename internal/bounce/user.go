// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"fmt"
	"regexp"
	"strings"
)

// UserRule is a rule of the receiver's config (bounce_rules): exactly one
// matcher, and the reason a reply it matches gets. Users' rules run before
// the built-in table, in their order.
type UserRule struct {
	Phrase string // words, read as the built-in phrases are ("*" = one to three words)
	Regexp string // a Go regular expression over the reply as sent
	Status string // an enhanced status code anywhere in the reply: "5.7.1", or "X.7.1" for either class
	Code   int    // the reply's leading basic code
	Reason string
}

// Classifier reads bounces with users' rules first, then the built-in
// table. The zero value has no user rules.
type Classifier struct {
	user []userRule
}

type userRule struct {
	label    string
	reason   string
	category string
	segments [][]phraseWord
	re       *regexp.Regexp
	class    byte // '4', '5' or 'X'
	subject  string
	detail   string
	code     int
}

// NewClassifier checks users' rules and prepares them; an error names the
// rule's position (bounce_rules[i]).
func NewClassifier(rules []UserRule) (*Classifier, error) {
	c := &Classifier{}
	for i, r := range rules {
		place := fmt.Sprintf("bounce_rules[%d]", i)
		category, ok := categoryOf[r.Reason]
		if !ok {
			return nil, fmt.Errorf("%s.reason %q is not a reason; one of: %s", place, r.Reason, strings.Join(Reasons(), ", "))
		}
		u := userRule{reason: r.Reason, category: category}
		matchers := 0
		if r.Phrase != "" {
			matchers++
			segments, err := phraseSegments(r.Phrase)
			if err != nil {
				return nil, fmt.Errorf("%s.phrase: %w", place, err)
			}
			u.segments, u.label = segments, fmt.Sprintf("%s: phrase %q", place, r.Phrase)
		}
		if r.Regexp != "" {
			matchers++
			re, err := regexp.Compile(r.Regexp)
			if err != nil {
				return nil, fmt.Errorf("%s.regexp: %w", place, err)
			}
			u.re, u.label = re, fmt.Sprintf("%s: regexp %q", place, r.Regexp)
		}
		if r.Status != "" {
			matchers++
			parts := strings.Split(r.Status, ".")
			if len(parts) != 3 || len(parts[0]) != 1 || !strings.Contains("45X", parts[0]) || !isShortNumber(parts[1]) || !isShortNumber(parts[2]) {
				return nil, fmt.Errorf("%s.status %q is not an enhanced status code such as 5.7.1 (or X.7.1 for 4.7.1 and 5.7.1)", place, r.Status)
			}
			u.class, u.subject, u.detail = parts[0][0], parts[1], parts[2]
			u.label = fmt.Sprintf("%s: status %s", place, r.Status)
		}
		if r.Code != 0 {
			matchers++
			if r.Code < 200 || r.Code > 599 {
				return nil, fmt.Errorf("%s.code %d is not an SMTP reply code (200-599)", place, r.Code)
			}
			u.code, u.label = r.Code, fmt.Sprintf("%s: reply code %d", place, r.Code)
		}
		if matchers != 1 {
			return nil, fmt.Errorf("%s needs exactly one of phrase, regexp, status or code; it has %d", place, matchers)
		}
		c.user = append(c.user, u)
	}
	return c, nil
}

// Analyze is the package's Analyze with the users' rules first.
func (c *Classifier) Analyze(status string, leading Reply, text string) Analysis {
	if c != nil {
		for _, u := range c.user {
			if u.matches(text, leading) {
				return Analysis{Type: Type(status, leading), Reason: u.reason, Category: u.category, Rule: u.label}
			}
		}
	}
	return Analyze(status, leading, text)
}

func (u *userRule) matches(text string, leading Reply) bool {
	if len(text) > maxReplyBytes {
		text = text[:maxReplyBytes]
	}
	switch {
	case u.re != nil:
		return u.re.MatchString(text)
	case u.code != 0:
		return leading.Code == u.code
	case u.segments != nil:
		words := lookahead{text: text}
		for index := 0; ; index++ {
			if _, ok := words.word(index); !ok {
				return false
			}
			if w := words.window(index); w.match(0, u.segments) {
				return true
			}
		}
	}
	for next := 0; next < len(text); {
		w := scanWord(text, next)
		next = w.end
		if w.start == w.end {
			return false
		}
		if !w.numeric {
			continue
		}
		if subject, detail, _, ok := enhancedStatusAt(text, w.start); ok && subject == u.subject && detail == u.detail &&
			(u.class == 'X' || text[w.start] == u.class) {
			return true
		}
	}
	return false
}
