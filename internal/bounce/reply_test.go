// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package bounce

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestParseReply(t *testing.T) {
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
		got := ParseReply(tt.in)
		assert.Equal(t, tt.code, got.Code, tt.in)
		assert.Equal(t, tt.enhanced, got.Enhanced, tt.in)
	}
}

func TestType(t *testing.T) {
	assert.Equal(t, TypeHard, Type("Rebote duro", Reply{}))
	assert.Equal(t, TypeHard, Type("  REBOTE   Duro ", Reply{Code: 421}), "the status wins over the reply")
	assert.Equal(t, TypeSoft, Type("Rebote suave", Reply{Code: 550}))
	assert.Equal(t, TypeHard, Type("Rechazado", Reply{Code: 550}))
	assert.Equal(t, TypeSoft, Type("", Reply{Code: 452}))
	assert.Equal(t, TypeSoft, Type("", Reply{Enhanced: "4.2.2"}))
	assert.Equal(t, TypeUnknown, Type("Rechazado", Reply{}))
}
