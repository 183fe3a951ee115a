// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package alertsim

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const day = 24 * 60

// Seeds: every target is checked on each. A detection that holds on one
// seed in two is not a detection.
var seeds = []uint64{1, 2, 3}

// groupsFor gives seeds different Opptima groups: SMTP alone, Email
// marketing alone, both.
func groupsFor(seed uint64) []Group {
	return [][]Group{{SMTP}, {EmailMarketing}, {SMTP, EmailMarketing}}[seed%3]
}

// TestHealthySendersAreNeverAlerted: a sender whose emails bounce at
// random at 3 % (under every threshold) is never paged and never
// ticketed in 7 days, at 1 to 200 outcomes a minute. Each rate is a sender
// of its own domain and account, so the domain and account alerts see it
// alone; the overall alerts see them all. The 20-a-minute sender sends only
// by day (8 h a night of nothing).
func TestHealthySendersAreNeverAlerted(t *testing.T) {
	promtool := promtoolBin(t)
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			var senders []Sender
			for i, rate := range []float64{1, 3, 6, 10, 20, 60, 200} {
				snd := Sender{
					Domain:         fmt.Sprintf("d%d.example", int(rate)),
					Account:        fmt.Sprintf("account-%d", int(rate)),
					Groups:         groupsFor(seed + uint64(i)),
					PerMinute:      rate,
					BounceRate:     Steady(0.03),
					ClicksPerEmail: 0.3,
				}
				if rate == 20 {
					snd.Paused = func(m int) bool { return m%day < 8*60 }
				}
				senders = append(senders, snd)
			}
			run(t, promtool, Run{
				Name: fmt.Sprintf("healthy senders for 7 days, seed %d", seed), Seed: seed,
				Minutes: 7 * day, Senders: senders,
				Checks: []Check{NeverFired(0, 7*day)},
			})
		})
	}
}

// TestRestartsAreNotAlerted: a healthy sender spread over two replicas
// that restart in turn every 6 hours (each restart a counter reset, the
// minute of the restart lost) is neither paged nor ticketed in 2 days.
func TestRestartsAreNotAlerted(t *testing.T) {
	promtool := promtoolBin(t)
	for _, seed := range seeds {
		name := fmt.Sprintf("two replicas restarting, seed %d", seed)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t, promtool, Run{
				Name: name, Seed: seed, Minutes: 2 * day,
				Senders: []Sender{{
					Domain: "gmail.com", Account: "tienda-co", Groups: groupsFor(seed), PerMinute: 60,
					BounceRate: Steady(0.03), ClicksPerEmail: 0.3, Replicas: 2, RestartsEvery: 6 * 60,
				}},
				Checks: []Check{NeverFired(0, 2*day)},
			})
		})
	}
}

// TestRisesPage: from 3 %, a spike to 15 % pages within 30 minutes at 6
// outcomes a minute and within 20 minutes at 20 and more; a sustained 8 %
// pages within 60 minutes at 60 a minute and more. Nothing fires before.
func TestRisesPage(t *testing.T) {
	promtool := promtoolBin(t)
	const rise = 4 * 60 // the 3-hour window holds only healthy traffic then
	cases := []struct {
		perMinute, to float64
		within        int
	}{
		{6, 0.15, 30}, {20, 0.15, 20}, {60, 0.15, 20}, {200, 0.15, 20},
		{60, 0.08, 60}, {200, 0.08, 60},
	}
	for _, c := range cases {
		for _, seed := range seeds {
			name := fmt.Sprintf("3%% to %g%% at %g a minute, seed %d", c.to*100, c.perMinute, seed)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				run(t, promtool, Run{
					Name: name, Seed: seed, Minutes: rise + c.within + 1,
					Senders: []Sender{{
						Domain: "gmail.com", Groups: groupsFor(seed), PerMinute: c.perMinute,
						BounceRate: StepAt(rise, 0.03, c.to), ClicksPerEmail: 0.3,
					}},
					Checks: []Check{
						NeverFired(0, rise),
						FiredWithin(c.within, rise+c.within, `alertname="OpptimaBounceRateHigh",opptima_alerts="bounces",severity="page"`),
					},
				})
			})
		}
	}
}

// TestNewDomainIsTicketed: a domain never seen before that starts at 15 %
// bounces with 20 outcomes a minute gets its ticket within 20 minutes,
// while the established domain beside it stays quiet.
func TestNewDomainIsTicketed(t *testing.T) {
	promtool := promtoolBin(t)
	const start = 7 * 60
	for _, seed := range seeds {
		name := fmt.Sprintf("a new domain at 15%%, seed %d", seed)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			run(t, promtool, Run{
				Name: name, Seed: seed, Minutes: start + 21,
				Senders: []Sender{
					{Domain: "gmail.com", Groups: groupsFor(seed), PerMinute: 60, BounceRate: Steady(0.03)},
					{Domain: "nuevo.com.co", Groups: groupsFor(seed + 1), PerMinute: 20, BounceRate: Steady(0.15), From: start},
				},
				Checks: []Check{
					NeverFired(0, start),
					FiredWithin(20, start+20, `alertname="OpptimaDomainBounceRateHigh",opptima_alerts="bounces",severity="ticket",email_to_domain="nuevo.com.co"`),
				},
			})
		})
	}
}

// TestOutcomesAsOpptimaDefinesThem: an Email-marketing campaign (sent, no
// delivered, many clicks), an SMTP stream and both together: at 1 %
// bounces nobody is alerted, at 12 % the bounce rate pages.
func TestOutcomesAsOpptimaDefinesThem(t *testing.T) {
	promtool := promtoolBin(t)
	streams := []struct {
		name   string
		groups []Group
		rate   float64
	}{
		{"an Email-marketing campaign", []Group{EmailMarketing}, 2000},
		{"an SMTP stream", []Group{SMTP}, 100},
		{"both groups", []Group{SMTP, EmailMarketing}, 300},
	}
	for _, s := range streams {
		for _, seed := range seeds[:2] {
			healthy := fmt.Sprintf("%s at 1%%, seed %d", s.name, seed)
			t.Run(healthy, func(t *testing.T) {
				t.Parallel()
				run(t, promtool, Run{
					Name: healthy, Seed: seed, Minutes: 4 * 60,
					Senders: []Sender{{Domain: "gmail.com", Groups: s.groups, PerMinute: s.rate, BounceRate: Steady(0.01), ClicksPerEmail: 0.5}},
					Checks:  []Check{NeverFired(0, 4*60)},
				})
			})
			bad := fmt.Sprintf("%s at 12%%, seed %d", s.name, seed)
			t.Run(bad, func(t *testing.T) {
				t.Parallel()
				run(t, promtool, Run{
					Name: bad, Seed: seed, Minutes: 60,
					Senders: []Sender{{Domain: "gmail.com", Groups: s.groups, PerMinute: s.rate, BounceRate: Steady(0.12), ClicksPerEmail: 0.5}},
					Checks:  []Check{FiredWithin(30, 60, `alertname="OpptimaBounceRateHigh",opptima_alerts="bounces",severity="page"`)},
				})
			})
		}
	}
}

// run writes the run's promtool file and fails with promtool's report.
func run(t *testing.T, promtool string, r Run) {
	t.Helper()
	rules, err := filepath.Abs(filepath.Join("..", "..", "examples", "alerts", "bounce-rate.rules.yml"))
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "simulated.test.yml")
	require.NoError(t, WriteTestFile(file, []string{rules}, []Run{r}))
	out, err := Promtool(promtool, file)
	require.NoError(t, err, "promtool on %s:\n%s", r.Name, out)
}

// promtoolBin is promtool from PROMTOOL_BIN, which `make rules-test` (part
// of `make test`) sets after installing it; a plain `go test ./...` skips
// these tests, which take minutes.
func promtoolBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("PROMTOOL_BIN")
	if bin == "" {
		t.Skip("PROMTOOL_BIN is not set: these tests run under `make rules-test`")
	}
	_, err := exec.LookPath(bin)
	require.NoError(t, err, "PROMTOOL_BIN=%s", bin)
	return bin
}
