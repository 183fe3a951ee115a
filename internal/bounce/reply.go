// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package bounce reads a recipient server's SMTP reply: its codes, whether
// the bounce is hard or soft, and why it bounced (reason and category).
package bounce

import (
	"strings"
)

// Reply is what can be read off the start of a recipient server's raw
// reply, such as "550 5.5.0 Requested action not taken: mailbox unavailable.".
type Reply struct {
	Code     int    // basic reply code (RFC 5321), 0 when absent
	Enhanced string // enhanced status code (RFC 3463), "" when absent
}

// ParseReply reads a leading three-digit reply code and, after it, an
// enhanced status code class.subject.detail. Anything else yields zeros.
func ParseReply(s string) Reply {
	var r Reply
	if len(s) < 3 || !isDigitIn(s[0], '2', '5') || !isDigit(s[1]) || !isDigit(s[2]) {
		return r
	}
	if len(s) > 3 && s[3] != ' ' && s[3] != '-' {
		return r // "5501 ..." is not a reply code
	}
	r.Code = int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
	rest := strings.TrimLeft(s[3:], " -")
	if end := strings.IndexByte(rest, ' '); end >= 0 {
		rest = rest[:end]
	}
	if isEnhancedStatus(rest) {
		r.Enhanced = rest
	}
	return r
}

// isEnhancedStatus reports whether s is class "." subject "." detail, with
// class 2, 4 or 5, subject 1-3 digits and detail 1-3 digits (RFC 3463).
func isEnhancedStatus(s string) bool {
	if len(s) < 5 || (s[0] != '2' && s[0] != '4' && s[0] != '5') || s[1] != '.' {
		return false
	}
	subject, detail, found := strings.Cut(s[2:], ".")
	return found && isShortNumber(subject) && isShortNumber(detail)
}

func isShortNumber(s string) bool {
	if len(s) == 0 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// Bounce types, the values of opptima.bounce.type.
const (
	TypeHard    = "hard"
	TypeSoft    = "soft"
	TypeUnknown = "unknown"
)

// Type decides hard or soft from Opptima's Spanish status first; when the
// status is not one we know, the SMTP reply class decides (5xx permanent =
// hard, 4xx transient = soft).
func Type(status string, reply Reply) string {
	switch {
	case statusIs(status, "rebote duro", "hard bounce", "hard"):
		return TypeHard
	case statusIs(status, "rebote suave", "soft bounce", "soft"):
		return TypeSoft
	}
	switch {
	case reply.Code >= 500 || strings.HasPrefix(reply.Enhanced, "5."):
		return TypeHard
	case reply.Code >= 400 || strings.HasPrefix(reply.Enhanced, "4."):
		return TypeSoft
	}
	return TypeUnknown
}

// statusIs compares Opptima's status with known values, ignoring case,
// surrounding space and runs of inner space ("Rebote  Duro " is "rebote
// duro"), without allocating for the usual clean status.
func statusIs(status string, known ...string) bool {
	status = strings.TrimSpace(status)
	if strings.Contains(status, "  ") || strings.ContainsAny(status, "\t\r\n") {
		status = strings.Join(strings.Fields(status), " ")
	}
	for _, k := range known {
		if strings.EqualFold(status, k) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDigitIn(c, lo, hi byte) bool { return c >= lo && c <= hi }
