// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package alertsim runs the Prometheus alert rules of examples/alerts over
// simulated Opptima traffic, in promtool: seeded random traffic of both
// Opptima groups, each email bouncing at random, counted as the opptima
// receiver counts it. The tests state what a page must mean (a healthy
// sender is never paged; a real rise is, within a given time) and check it
// over several seeds.
package alertsim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
)

// Group is an Opptima group as the counter names it, with the event that
// reports an email's successful end in that group.
type Group struct{ Type, Outcome string }

// The two documented groups: SMTP reports delivered, Email marketing sent.
var (
	SMTP           = Group{Type: "smtp", Outcome: "delivered"}
	EmailMarketing = Group{Type: "email_marketing", Outcome: "sent"}
)

// Category is a share of a sender's bounces.
type Category struct {
	Name, BounceType string
	Share            float64
}

// HealthyMix is how an ordinary sender's bounces spread over the
// categories: mostly addresses that do not exist, a few blocks and
// rate limits.
var HealthyMix = []Category{
	{"invalid_address", "hard", 0.55},
	{"mailbox_unavailable", "soft", 0.25},
	{"reputation", "hard", 0.08},
	{"technical", "soft", 0.07},
	{"frequency_or_volume", "soft", 0.05},
}

// Sender is one stream of emails: its outcomes a minute, split evenly over
// its groups, each bouncing with probability BounceRate(minute).
type Sender struct {
	Domain, Account string
	Groups          []Group
	PerMinute       float64
	BounceRate      func(minute int) float64
	Mix             []Category // HealthyMix when nil
	From            int        // the first minute it sends
	ClicksPerEmail  float64    // Email-marketing clicks, which are not outcomes

	// Paused, when set, says the minutes it sends nothing (nights, the
	// gaps between campaigns).
	Paused func(minute int) bool
	// Replicas receive its webhooks at random (one when 0); RestartsEvery
	// minutes each one in turn restarts, its counters starting again at 0.
	Replicas, RestartsEvery int
}

// Steady is a bounce rate that does not change.
func Steady(p float64) func(int) float64 { return func(int) float64 { return p } }

// StepAt is a bounce rate of before until minute at, then after.
func StepAt(at int, before, after float64) func(int) float64 {
	return func(m int) float64 {
		if m < at {
			return before
		}
		return after
	}
}

// Series is one counter as Prometheus scrapes it once a minute.
type Series struct {
	Labels string
	// Values[m] is the count of the events before minute m; the series
	// exists from First on (the receiver emits a new series at 0, then its
	// count from the next emission).
	Values []int64
	First  int
}

// Simulate draws minutes of traffic from senders with the seed and returns
// the opptima_events_total series they make.
func Simulate(seed uint64, minutes int, senders []Sender) []Series {
	rng := rand.New(rand.NewPCG(seed, 0x09971a))
	counters := map[string]*Series{}
	var order []string
	add := func(minute int, labels string, n int) {
		if n == 0 {
			return
		}
		s, ok := counters[labels]
		if !ok {
			s = &Series{Labels: labels, Values: make([]int64, minutes+1), First: minute}
			counters[labels] = s
			order = append(order, labels)
		}
		s.Values[minute+1] += int64(n) // cumulated below
	}
	for minute := range minutes {
		for _, snd := range senders {
			if minute < snd.From || (snd.Paused != nil && snd.Paused(minute)) {
				continue
			}
			mix := snd.Mix
			if mix == nil {
				mix = HealthyMix
			}
			replicas := max(1, snd.Replicas)
			for _, g := range snd.Groups {
				for r := range replicas {
					emails := poisson(rng, snd.PerMinute/float64(len(snd.Groups)*replicas))
					bounces := binomial(rng, emails, snd.BounceRate(minute))
					add(minute, snd.labels(g, g.Outcome, nil, r), emails-bounces)
					for i, n := range multinomial(rng, bounces, mix) {
						add(minute, snd.labels(g, "bounce", &mix[i], r), n)
					}
					if g == EmailMarketing && snd.ClicksPerEmail > 0 {
						add(minute, snd.labels(g, "click", nil, r), poisson(rng, float64(emails)*snd.ClicksPerEmail))
					}
				}
			}
		}
	}
	slices.Sort(order)
	out := make([]Series, len(order))
	for i, labels := range order {
		s := counters[labels]
		restartsEvery, replica := restartOf(senders, labels)
		for m := 1; m <= minutes; m++ {
			if restartsEvery > 0 && m%restartsEvery == replica*restartsEvery/2 {
				continue // the replica restarted: its counter starts again
			}
			s.Values[m] += s.Values[m-1]
		}
		out[i] = *s
	}
	return out
}

// restartOf finds the sender and replica of a series: how often its
// replica restarts, and which replica it is (replicas restart in turn).
func restartOf(senders []Sender, labels string) (every, replica int) {
	for _, snd := range senders {
		if snd.RestartsEvery == 0 || !strings.Contains(labels, fmt.Sprintf("email_to_domain=%q", snd.Domain)) {
			continue
		}
		for r := range max(1, snd.Replicas) {
			if strings.Contains(labels, fmt.Sprintf("instance=\"otelcol-opptima-%d\"", r)) {
				return snd.RestartsEvery, r
			}
		}
	}
	return 0, 0
}

// labels are the counter's labels for one event kind of the sender, as
// the receiver writes them (an account only when there is one, bounce
// attributes only on bounces).
func (s Sender) labels(g Group, event string, c *Category, replica int) string {
	var b strings.Builder
	b.WriteString("opptima_events_total{")
	fmt.Fprintf(&b, "email_to_domain=%q,opptima_event=%q,opptima_type=%q", s.Domain, event, g.Type)
	if s.Replicas > 1 {
		fmt.Fprintf(&b, ",instance=\"otelcol-opptima-%d\"", replica)
	}
	if s.Account != "" {
		fmt.Fprintf(&b, ",opptima_account=%q", s.Account)
	}
	if c != nil {
		fmt.Fprintf(&b, ",opptima_bounce_category=%q,opptima_bounce_type=%q", c.Name, c.BounceType)
	}
	b.WriteString("}")
	return b.String()
}

// poisson draws a count with mean mean: Knuth's method for small means, a
// rounded normal for large ones.
func poisson(rng *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 50 {
		return max(0, int(math.Round(mean+rng.NormFloat64()*math.Sqrt(mean))))
	}
	limit, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= rng.Float64()
		if p < limit {
			return k
		}
		k++
	}
}

// binomial draws how many of n emails bounce, each with probability p.
func binomial(rng *rand.Rand, n int, p float64) int {
	k := 0
	for range n {
		if rng.Float64() < p {
			k++
		}
	}
	return k
}

// multinomial spreads n bounces over the categories by their shares.
func multinomial(rng *rand.Rand, n int, mix []Category) []int {
	counts := make([]int, len(mix))
	for range n {
		u := rng.Float64()
		i := 0
		for ; i < len(mix)-1 && u >= mix[i].Share; i++ {
			u -= mix[i].Share
		}
		counts[i]++
	}
	return counts
}
