package opptima

import (
	"strings"
)

// smtpReply is what can be read off a recipient server's raw reply, such as
// "550 5.5.0 Requested action not taken: mailbox unavailable.".
type smtpReply struct {
	code     int    // basic reply code (RFC 5321), 0 when absent
	enhanced string // enhanced status code (RFC 3463), "" when absent
}

// parseSMTPReply reads a leading three-digit reply code and, after it, an
// enhanced status code class.subject.detail. Anything else yields zeros.
func parseSMTPReply(s string) smtpReply {
	var r smtpReply
	if len(s) < 3 || !isDigitIn(s[0], '2', '5') || !isDigit(s[1]) || !isDigit(s[2]) {
		return r
	}
	if len(s) > 3 && s[3] != ' ' && s[3] != '-' {
		return r // "5501 ..." is not a reply code
	}
	r.code = int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
	rest := strings.TrimLeft(s[3:], " -")
	if end := strings.IndexByte(rest, ' '); end >= 0 {
		rest = rest[:end]
	}
	if isEnhancedStatus(rest) {
		r.enhanced = rest
	}
	return r
}

// isEnhancedStatus reports whether s is class "." subject "." detail, with
// class 2, 4 or 5, subject 1-3 digits and detail 1-3 digits (RFC 3463).
func isEnhancedStatus(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || (parts[0] != "2" && parts[0] != "4" && parts[0] != "5") {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) == 0 || len(p) > 3 {
			return false
		}
		for i := 0; i < len(p); i++ {
			if !isDigit(p[i]) {
				return false
			}
		}
	}
	return true
}

// Bounce types, the values of opptima.bounce.type.
const (
	bounceHard    = "hard"
	bounceSoft    = "soft"
	bounceUnknown = "unknown"
)

// classifyBounce decides hard or soft from Opptima's Spanish status first;
// when the status is not one we know, the SMTP reply class decides
// (5xx permanent = hard, 4xx transient = soft).
func classifyBounce(status string, reply smtpReply) string {
	switch normalizeStatus(status) {
	case "rebote duro", "hard bounce", "hard":
		return bounceHard
	case "rebote suave", "soft bounce", "soft":
		return bounceSoft
	}
	switch {
	case reply.code >= 500 || strings.HasPrefix(reply.enhanced, "5."):
		return bounceHard
	case reply.code >= 400 || strings.HasPrefix(reply.enhanced, "4."):
		return bounceSoft
	}
	return bounceUnknown
}

// normalizeStatus folds case, surrounding space and runs of inner space,
// so "Rebote  Duro " is read as "rebote duro".
func normalizeStatus(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isDigitIn(c, lo, hi byte) bool { return c >= lo && c <= hi }
