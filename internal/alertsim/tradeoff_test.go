// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package alertsim

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var tradeoff = flag.Bool("tradeoff", false, "print the README's table of how fast the alerts fire and how often falsely")

// The rules' test, as bounce-rate.rules.yml writes it: over a 20-minute
// or a 3-hour window, B - 0.5 - p0 N > 3 sqrt(p0 (1 - p0) N) with
// p0 N >= 5, held for 3 minutes.
var (
	windows        = []int{20, 180}
	holdMinutes    = 3
	zBound         = 3.0
	expectedFloor  = 5.0
	continuityHalf = 0.5
)

// firesAt is the first minute from `from` at which an alert on "more than
// p0 bounce" fires over the per-minute outcomes n and bounces b, or -1.
func firesAt(n, b []int, p0 float64, from int) int {
	sumN, sumB := prefixSums(n), prefixSums(b)
	held := 0
	for m := range n {
		if beyondChance(sumN, sumB, m, p0) {
			held++
		} else {
			held = 0
		}
		if held > holdMinutes && m >= from {
			return m
		}
	}
	return -1
}

// beyondChance applies the test at minute m, from prefix sums.
func beyondChance(sumN, sumB []float64, m int, p0 float64) bool {
	for _, w := range windows {
		start := max(0, m-w+1)
		outcomes, bounces := sumN[m+1]-sumN[start], sumB[m+1]-sumB[start]
		if p0*outcomes >= expectedFloor && bounces-continuityHalf-p0*outcomes > zBound*math.Sqrt(p0*(1-p0)*outcomes) {
			return true
		}
	}
	return false
}

func prefixSums(v []int) []float64 {
	out := make([]float64, len(v)+1)
	for i, x := range v {
		out[i+1] = out[i] + float64(x)
	}
	return out
}

// minutes draws per-minute outcomes and bounces (or bounces of one
// category, share of the bounces) with the bounce rate p(m).
func minutes(seed uint64, count int, perMinute float64, p func(int) float64) (n, b []int) {
	rng := rand.New(rand.NewPCG(seed, uint64(perMinute*1000)))
	n, b = make([]int, count), make([]int, count)
	for m := range count {
		n[m] = poisson(rng, perMinute)
		if n[m] > 100 { // a normal draw is as good here and far cheaper
			mean := float64(n[m]) * p(m)
			b[m] = min(n[m], max(0, int(math.Round(mean+rng.NormFloat64()*math.Sqrt(mean*(1-p(m)))))))
		} else {
			b[m] = binomial(rng, n[m], p(m))
		}
	}
	return n, b
}

// TestTradeOffTable prints, with -tradeoff, the README's table: the median
// minutes an alert takes to fire after a rise, at each volume, and the
// share of simulated healthy weeks (3 % bounces, 0.24 % of them for the
// sender's reputation) in which it fired at all.
func TestTradeOffTable(t *testing.T) {
	if !*tradeoff {
		t.Skip("run with -tradeoff to print the table")
	}
	const rise, weeks, rises = 4 * 60, 400, 200
	volumes := []float64{1, 3, 6, 10, 20, 60, 200, 1000}
	rows := []struct {
		name           string
		p0             float64
		healthy, risen float64
	}{
		{"5 % alerts, 3 % → 15 %: minutes to fire", 0.05, 0.03, 0.15},
		{"5 % alerts, 3 % → 8 %: minutes to fire", 0.05, 0.03, 0.08},
		{"reputation (2 %), 0.24 % → 5 % of outcomes: minutes to fire", 0.02, 0.0024, 0.05},
	}
	var out strings.Builder
	fmt.Fprint(&out, "| outcomes a minute |")
	for _, v := range volumes {
		fmt.Fprintf(&out, " %g |", v)
	}
	fmt.Fprintf(&out, "\n|---|%s\n", strings.Repeat("--:|", len(volumes)))
	for _, row := range rows {
		fmt.Fprintf(&out, "| %s |", row.name)
		for _, v := range volumes {
			var times []int
			for s := range uint64(rises) {
				n, b := minutes(s, rise+240, v, StepAt(rise, row.healthy, row.risen))
				if at := firesAt(n, b, row.p0, rise); at >= 0 {
					times = append(times, at-rise)
				} else {
					times = append(times, math.MaxInt)
				}
			}
			slices.Sort(times)
			if med := times[len(times)/2]; med == math.MaxInt {
				fmt.Fprint(&out, " > 240 |")
			} else {
				fmt.Fprintf(&out, " %d |", med)
			}
		}
		fmt.Fprintln(&out)
		if row.risen == 0.15 {
			fmt.Fprintf(&out, "| 5 %% alerts, 3 %% → 15 %%: fired within 30 minutes |")
			for _, v := range volumes {
				within := 0
				for s := range uint64(rises) {
					n, b := minutes(s, rise+240, v, StepAt(rise, row.healthy, row.risen))
					if at := firesAt(n, b, row.p0, rise); at >= 0 && at-rise <= 30 {
						within++
					}
				}
				fmt.Fprintf(&out, " %d %% |", within*100/rises)
			}
			fmt.Fprintln(&out)
		}
	}
	for _, row := range []struct {
		name  string
		p0, p float64
	}{{"5 % alerts: healthy weeks (3 %) with a false alert", 0.05, 0.03}, {"reputation: healthy weeks (0.24 %) with a false alert", 0.02, 0.0024}} {
		fmt.Fprintf(&out, "| %s |", row.name)
		for _, v := range volumes {
			fired := 0
			for s := range uint64(weeks) {
				n, b := minutes(1000+s, 7*day, v, Steady(row.p))
				if firesAt(n, b, row.p0, 0) >= 0 {
					fired++
				}
			}
			fmt.Fprintf(&out, " %d/%d |", fired, weeks)
		}
		fmt.Fprintln(&out)
	}
	t.Log("\n" + out.String())
}
