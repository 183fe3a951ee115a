// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUserRulesRunFirst: each kind of user rule decides before the
// built-in table, in the users' order, and says which rule it was.
func TestUserRulesRunFirst(t *testing.T) {
	c, err := NewClassifier([]UserRule{
		{Phrase: "mailbox full", Reason: ReasonFiltered},            // overrides a built-in phrase
		{Regexp: `(?i)cuota\s+superada`, Reason: ReasonMailboxFull}, // a phrasing no list knows
		{Status: "5.7.1", Reason: ReasonBlocked},                    // only class 5
		{Status: "X.7.26", Reason: ReasonPolicyViolation},           // either class
		{Code: 554, Reason: ReasonSpamDetected},
		{Phrase: "over quota", Reason: ReasonSpeeding}, // never reached for "mailbox full ... over quota"
	})
	require.NoError(t, err)
	for reply, want := range map[string]Analysis{
		"552 5.2.2 Mailbox full, over quota":         {Type: TypeHard, Reason: ReasonFiltered, Category: CategoryMailboxUnavailable, Rule: `bounce_rules[0]: phrase "mailbox full"`},
		"550 Cuota   superada para el buzón":         {Type: TypeHard, Reason: ReasonMailboxFull, Category: CategoryMailboxUnavailable, Rule: `bounce_rules[1]: regexp "(?i)cuota\\s+superada"`},
		"550 5.7.1 user unknown":                     {Type: TypeHard, Reason: ReasonBlocked, Category: CategoryReputation, Rule: "bounce_rules[2]: status 5.7.1"},
		"450 4.7.1 user unknown":                     {Type: TypeSoft, Reason: ReasonUserUnknown, Category: CategoryInvalidAddress, Rule: `no-such-user: family "user ~ unknown"`},
		"421 4.7.26 unauthenticated":                 {Type: TypeSoft, Reason: ReasonPolicyViolation, Category: CategoryReputation, Rule: "bounce_rules[3]: status X.7.26"},
		"554 no reason given":                        {Type: TypeHard, Reason: ReasonSpamDetected, Category: CategoryContent, Rule: "bounce_rules[4]: reply code 554"},
		"550 5.1.1 <over.quota@example.com>":         {Type: TypeHard, Reason: ReasonUserUnknown, Category: CategoryInvalidAddress, Rule: "rfc3463: status X.1.1"}, // an address is no evidence
		"550 5.1.1 The email account does not exist": {Type: TypeHard, Reason: ReasonUserUnknown, Category: CategoryInvalidAddress, Rule: `no-such-user: family "account ~ does not exist"`},
	} {
		assert.Equal(t, want, c.Analyze("", ParseReply(reply), reply), reply)
	}
	var none *Classifier
	assert.Equal(t, Analyze("", Reply{}, "mailbox full"), none.Analyze("", Reply{}, "mailbox full"), "no user rules: the built-in table")
}

// TestUserRuleErrors: every mistake is refused when the config is loaded,
// naming the rule's position.
func TestUserRuleErrors(t *testing.T) {
	for want, rules := range map[string][]UserRule{
		`bounce_rules[0].reason "spam" is not a reason; one of: auth_failure, bad_reputation`: {{Phrase: "x", Reason: "spam"}},
		`bounce_rules[0].reason "" is not a reason`:                                           {{Phrase: "x"}},
		"bounce_rules[1].regexp: error parsing regexp":                                        {{Phrase: "x", Reason: ReasonBlocked}, {Regexp: "(", Reason: ReasonBlocked}},
		"bounce_rules[0] needs exactly one of phrase, regexp, status or code; it has 2":       {{Phrase: "x", Code: 550, Reason: ReasonBlocked}},
		"bounce_rules[0] needs exactly one of phrase, regexp, status or code; it has 0":       {{Reason: ReasonBlocked}},
		`bounce_rules[0].status "5.7" is not an enhanced status code`:                         {{Status: "5.7", Reason: ReasonBlocked}},
		"bounce_rules[0].code 99 is not an SMTP reply code":                                   {{Code: 99, Reason: ReasonBlocked}},
		`bounce_rules[0].phrase: phrase "rfc 5322" has a number-only word`:                    {{Phrase: "rfc 5322", Reason: ReasonNotCompliantRFC}},
		`bounce_rules[0].phrase: phrase "*" has an empty part or no word`:                     {{Phrase: "*", Reason: ReasonBlocked}},
	} {
		_, err := NewClassifier(rules)
		assert.ErrorContains(t, err, want)
	}
}
