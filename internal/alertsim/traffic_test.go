// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package alertsim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSimulatedTraffic: the generator draws what the tests say it does:
// the outcome event of each group, bounces near the rate, no traffic in a
// pause, counters that reset when a replica restarts, series that appear
// with their first event.
func TestSimulatedTraffic(t *testing.T) {
	series := Simulate(7, 24*60, []Sender{
		{Domain: "a.example", Groups: []Group{SMTP, EmailMarketing}, PerMinute: 100, BounceRate: Steady(0.05), ClicksPerEmail: 0.5,
			Paused: func(m int) bool { return m >= 600 && m < 700 }},
		{Domain: "b.example", Groups: []Group{SMTP}, PerMinute: 50, BounceRate: Steady(0.02), Replicas: 2, RestartsEvery: 360, From: 60},
	})
	var outcomes, bounces, clicks float64
	var sawReset bool
	for _, s := range series {
		last := s.Values[len(s.Values)-1]
		switch {
		case strings.Contains(s.Labels, `a.example`) && strings.Contains(s.Labels, `opptima_event="bounce"`):
			bounces += float64(last)
			outcomes += float64(last)
		case strings.Contains(s.Labels, `a.example`) && strings.Contains(s.Labels, `opptima_event="click"`):
			clicks += float64(last)
			assert.Contains(t, s.Labels, `opptima_type="email_marketing"`)
		case strings.Contains(s.Labels, `a.example`):
			outcomes += float64(last)
			assert.True(t, strings.Contains(s.Labels, `opptima_event="delivered",opptima_type="smtp"`) ||
				strings.Contains(s.Labels, `opptima_event="sent",opptima_type="email_marketing"`), s.Labels)
		}
		if strings.Contains(s.Labels, "a.example") {
			assert.Equal(t, s.Values[601], s.Values[700], "nothing is sent in a pause: %s", s.Labels)
		}
		if strings.Contains(s.Labels, "b.example") {
			require.Contains(t, s.Labels, "instance=")
			assert.GreaterOrEqual(t, s.First, 60, "no series before the sender starts")
			for m := s.First + 1; m < len(s.Values); m++ {
				if s.Values[m] < s.Values[m-1] {
					sawReset = true
				}
			}
		}
	}
	assert.InDelta(t, 100*(24*60-100), outcomes, 0.02*100*(24*60-100), "outcomes a minute")
	assert.InDelta(t, 0.05, bounces/outcomes, 0.005, "bounce rate")
	assert.InDelta(t, 0.5, clicks/(outcomes/2), 0.05, "clicks per Email-marketing email")
	assert.True(t, sawReset, "a replica's restart resets its counters")
}
