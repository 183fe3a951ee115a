package opptima

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseSMTPReply(t *testing.T) {
	tests := []struct {
		in       string
		code     int
		enhanced string
	}{
		{"550 5.5.0 Requested action not taken: mailbox unavailable.", 550, "5.5.0"},
		{"421-4.7.0 Try again later", 421, "4.7.0"},
		{"452 4.2.2", 452, "4.2.2"},
		{"250 OK", 250, ""},
		{"554", 554, ""},
		{"550 5.7.1234 too long detail", 550, ""},
		{"OK", 0, ""},
		{"", 0, ""},
		{"5501 not a code", 0, ""},
		{"650 6.0.0 not a reply class", 0, ""},
		{"Mailbox 550 later in the text", 0, ""},
	}
	for _, tt := range tests {
		got := parseSMTPReply(tt.in)
		assert.Equal(t, tt.code, got.code, tt.in)
		assert.Equal(t, tt.enhanced, got.enhanced, tt.in)
	}
}

func TestClassifyBounce(t *testing.T) {
	assert.Equal(t, bounceHard, classifyBounce("Rebote duro", smtpReply{}))
	assert.Equal(t, bounceHard, classifyBounce("  REBOTE   Duro ", smtpReply{code: 421}), "the status wins over the reply")
	assert.Equal(t, bounceSoft, classifyBounce("Rebote suave", smtpReply{code: 550}))
	assert.Equal(t, bounceHard, classifyBounce("Rechazado", smtpReply{code: 550}))
	assert.Equal(t, bounceSoft, classifyBounce("", smtpReply{code: 452}))
	assert.Equal(t, bounceSoft, classifyBounce("", smtpReply{enhanced: "4.2.2"}))
	assert.Equal(t, bounceUnknown, classifyBounce("Rechazado", smtpReply{}))
}
