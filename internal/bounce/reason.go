// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"maps"
	"slices"
)

// Reasons are the values of opptima.bounce.reason: the bounce reasons of
// the Sisimai bounce analyser, in snake_case.
const (
	ReasonUserUnknown     = "user_unknown"
	ReasonHostUnknown     = "host_unknown"
	ReasonSyntaxError     = "syntax_error"
	ReasonHasMoved        = "has_moved"
	ReasonNotAccept       = "not_accept"
	ReasonMailboxFull     = "mailbox_full"
	ReasonSuspend         = "suspend"
	ReasonExceedLimit     = "exceed_limit"
	ReasonFiltered        = "filtered"
	ReasonBlocked         = "blocked"
	ReasonBadReputation   = "bad_reputation"
	ReasonRequirePTR      = "require_ptr"
	ReasonRejected        = "rejected"
	ReasonAuthFailure     = "auth_failure"
	ReasonPolicyViolation = "policy_violation"
	ReasonSpamDetected    = "spam_detected"
	ReasonVirusDetected   = "virus_detected"
	ReasonContentError    = "content_error"
	ReasonMessageTooBig   = "message_too_big"
	ReasonNotCompliantRFC = "not_compliant_rfc"
	ReasonTooManyConn     = "too_many_conn"
	ReasonSpeeding        = "speeding"
	ReasonExpired         = "expired"
	ReasonNetworkError    = "network_error"
	ReasonSystemError     = "system_error"
	ReasonSystemFull      = "system_full"
	ReasonMailerError     = "mailer_error"
	ReasonFailedSTARTTLS  = "failed_starttls"
	ReasonNoRelaying      = "no_relaying"
	ReasonSecurityError   = "security_error"
	ReasonOnHold          = "on_hold"
	ReasonUndefined       = "undefined"
)

// Categories are the values of opptima.bounce.category: who has to act,
// after the seven bounce and block classifications Twilio SendGrid shows.
const (
	CategoryInvalidAddress     = "invalid_address"
	CategoryMailboxUnavailable = "mailbox_unavailable"
	CategoryReputation         = "reputation"
	CategoryContent            = "content"
	CategoryFrequencyOrVolume  = "frequency_or_volume"
	CategoryTechnical          = "technical"
	CategoryUnclassified       = "unclassified"
)

// categoryOf is the only way a category is decided: from the reason.
var categoryOf = map[string]string{
	ReasonUserUnknown: CategoryInvalidAddress,
	ReasonHostUnknown: CategoryInvalidAddress,
	ReasonSyntaxError: CategoryInvalidAddress,
	ReasonHasMoved:    CategoryInvalidAddress,
	ReasonNotAccept:   CategoryInvalidAddress,

	ReasonMailboxFull: CategoryMailboxUnavailable,
	ReasonSuspend:     CategoryMailboxUnavailable,
	ReasonExceedLimit: CategoryMailboxUnavailable,
	ReasonFiltered:    CategoryMailboxUnavailable,

	ReasonBlocked:         CategoryReputation,
	ReasonBadReputation:   CategoryReputation,
	ReasonRequirePTR:      CategoryReputation,
	ReasonRejected:        CategoryReputation,
	ReasonAuthFailure:     CategoryReputation,
	ReasonPolicyViolation: CategoryReputation,

	ReasonSpamDetected:    CategoryContent,
	ReasonVirusDetected:   CategoryContent,
	ReasonContentError:    CategoryContent,
	ReasonMessageTooBig:   CategoryContent,
	ReasonNotCompliantRFC: CategoryContent,

	ReasonTooManyConn: CategoryFrequencyOrVolume,
	ReasonSpeeding:    CategoryFrequencyOrVolume,

	ReasonExpired:        CategoryTechnical,
	ReasonNetworkError:   CategoryTechnical,
	ReasonSystemError:    CategoryTechnical,
	ReasonSystemFull:     CategoryTechnical,
	ReasonMailerError:    CategoryTechnical,
	ReasonFailedSTARTTLS: CategoryTechnical,
	ReasonNoRelaying:     CategoryTechnical,
	ReasonSecurityError:  CategoryTechnical,

	ReasonOnHold:    CategoryUnclassified,
	ReasonUndefined: CategoryUnclassified,
}

// Reasons, Categories and Types are every value of opptima.bounce.reason,
// opptima.bounce.category and opptima.bounce.type, sorted: metadata.yaml
// declares them as the opptima.events counter's enums.
func Reasons() []string { return slices.Sorted(maps.Keys(categoryOf)) }

func Categories() []string { return slices.Compact(slices.Sorted(maps.Values(categoryOf))) }

func Types() []string { return []string{TypeHard, TypeSoft, TypeUnknown} }
