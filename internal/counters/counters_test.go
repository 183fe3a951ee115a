// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package counters

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
)

// event is what a record says, for the tests: the attributes the
// converter writes.
type event struct {
	Event, Type, Domain                      string
	Bounce                                   bool
	BounceType, BounceReason, BounceCategory string
}

func bounceTo(domain, reason, category string) event {
	return event{Event: "bounce", Type: "SMTP", Domain: domain, Bounce: true, BounceType: "hard", BounceReason: reason, BounceCategory: category}
}

// add counts the events as one acknowledged request from account: records
// with their attributes, tallied and committed.
func add(c *Counter, account string, events []event) {
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	if account != "" {
		rl.Resource().Attributes().PutStr(opptima.AttrAccount, account)
	}
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	for _, e := range events {
		attrs := records.AppendEmpty().Attributes()
		attrs.PutStr(opptima.AttrEvent, e.Event)
		attrs.PutStr(opptima.AttrType, e.Type)
		if e.Domain != "" {
			attrs.PutStr(opptima.AttrToDomain, e.Domain)
		}
		if e.Bounce {
			attrs.PutStr(opptima.AttrBounceType, e.BounceType)
			attrs.PutStr(opptima.AttrBounceReason, e.BounceReason)
			attrs.PutStr(opptima.AttrBounceCategory, e.BounceCategory)
		}
	}
	c.Commit(c.Tally(logs))
}

// key writes a series as "name=value," for each dimension it has, in the
// schema's order.
func key(s Series) string {
	out := ""
	for _, d := range opptima.CounterDimensions() {
		if value := s.Get(d.Name); value != "" {
			out += d.Name + "=" + value + ","
		}
	}
	return out
}

// want is the key of the series with these values; a dimension not given
// has the value of a record without it: Other where its row is Required,
// else none. So a dimension added to the schema changes no expectation
// here unless a test is about it.
func want(values map[string]string) string {
	s := make(Series, len(opptima.CounterDimensions()))
	for i, d := range opptima.CounterDimensions() {
		s[i] = values[d.Name]
		if _, given := values[d.Name]; !given && d.Required && (d.Only == "" || values[opptima.AttrEvent] == d.Only) {
			s[i] = opptima.Other
		}
	}
	return key(s)
}

// domains is a Counter's configured domains.
func domains(names ...string) Lists { return Lists{"metrics.domains": names} }

// points returns each point's count by its key.
func points(t *testing.T, ps []Point) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, p := range ps {
		k := key(p.Series)
		require.NotContains(t, out, k, "one point per series")
		out[k] = int64(p.Count)
	}
	return out
}

func TestCountsBySeries(t *testing.T) {
	c := New(domains("Gmail.com ", "hotmail.com"))
	add(c, "", []event{
		bounceTo("gmail.com", "blocked", "reputation"),
		bounceTo("gmail.com", "blocked", "reputation"),
		bounceTo("example.org", "user_unknown", "invalid_address"),
		{Event: "delivered", Type: "Email marketing", Domain: "hotmail.com"},
		{Event: " Delivered", Type: "email MARKETING", Domain: "hotmail.com"},
		{Event: "opened", Type: "Transactional", Domain: ""},
	})
	bounce := func(reason, category, domain string) string {
		return want(map[string]string{opptima.AttrEvent: "bounce", opptima.AttrType: "smtp", opptima.AttrBounceType: "hard",
			opptima.AttrBounceReason: reason, opptima.AttrBounceCategory: category, opptima.AttrToDomain: domain})
	}
	assert.Equal(t, map[string]int64{
		bounce("blocked", "reputation", "gmail.com"):       2,
		bounce("user_unknown", "invalid_address", "other"): 1,
		want(map[string]string{opptima.AttrEvent: "delivered", opptima.AttrType: "email_marketing", opptima.AttrToDomain: "hotmail.com"}): 2,
		want(map[string]string{opptima.AttrEvent: "other", opptima.AttrType: "other", opptima.AttrToDomain: "other"}):                     1,
	}, points(t, c.Points(true)))
}

func TestCountsAreCumulative(t *testing.T) {
	c := New(nil)
	add(c, "", []event{{Event: "sent", Type: "SMTP"}})
	first := points(t, c.Points(false))
	second := points(t, c.Points(false))
	add(c, "", []event{{Event: "sent", Type: "SMTP"}, {Event: "sent", Type: "SMTP"}})
	third := points(t, c.Points(false))
	key := want(map[string]string{opptima.AttrEvent: "sent", opptima.AttrType: "smtp"})
	assert.Equal(t, map[string]int64{key: 0}, first, "a new series is emitted at 0 first")
	assert.Equal(t, int64(1), second[key])
	assert.Equal(t, int64(3), third[key], "each emission carries the running total")

	add(c, "", []event{{Event: "click", Type: "SMTP"}})
	final := points(t, c.Points(true))
	assert.Equal(t, int64(1), final[want(map[string]string{opptima.AttrEvent: "click", opptima.AttrType: "smtp"})], "the final emission carries every count")
}

// TestConcurrentAddsAreExact: 64 goroutines adding at once lose nothing.
func TestConcurrentAddsAreExact(t *testing.T) {
	c := New(domains(DefaultDomains...))
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Go(func() {
			for i := range 1000 {
				add(c, "", []event{bounceTo(DefaultDomains[(g+i)%len(DefaultDomains)], "blocked", "reputation")})
			}
		})
	}
	wg.Wait()
	total := int64(0)
	for _, n := range points(t, c.Points(true)) {
		total += n
	}
	assert.Equal(t, int64(64*1000), total)
}

// TestCardinalityIsBounded posts 100,000 records whose every counted
// attribute is random: absent, a value of its set in any case, or any
// other text. The series never exceed SeriesBound for the lists given,
// whatever the schema's dimensions are. A set the converter closes (no
// Other) gets only its values, and a dimension decided by another
// follows it, as the converter writes them.
func TestCardinalityIsBounded(t *testing.T) {
	lists := Lists{"metrics.domains": {"gmail.com", "hotmail.com", "une.net.co"}, "accounts": {"tienda", "banco"}}
	c := New(lists)
	rng := rand.New(rand.NewPCG(1, 2))
	dims := opptima.CounterDimensions()
	valueOf := func(d opptima.Dimension) (string, bool) {
		known := append(slices.Clone(d.Values), lists[d.Configured]...)
		if closedByTheConverter(d) {
			return known[rng.IntN(len(known))], true
		}
		switch n := rng.IntN(4); {
		case n == 0:
			return "", false
		case n == 1 && len(known) > 0:
			v := known[rng.IntN(len(known))]
			if rng.IntN(2) == 0 {
				v = " " + strings.ToUpper(v)
			}
			return v, true
		}
		return fmt.Sprintf("v%d", rng.IntN(1_000_000)), true
	}
	for range 100 {
		logs := plog.NewLogs()
		for range 1000 {
			rl := logs.ResourceLogs().AppendEmpty()
			rec := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
			set := map[string]string{}
			for _, d := range dims {
				value, ok := valueOf(d)
				if d.DecidedBy != "" {
					decider, decided := set[d.DecidedBy]
					value, ok = d.Values[len(decider)%len(d.Values)], decided
				}
				if !ok {
					continue
				}
				set[d.Name] = value
				if d.OnResource {
					rl.Resource().Attributes().PutStr(d.Name, value)
				} else {
					rec.Attributes().PutStr(d.Name, value)
				}
			}
		}
		c.Commit(c.Tally(logs))
	}
	sizes := map[string]int{}
	for name, list := range lists {
		sizes[name] = len(list)
	}
	series := points(t, c.Points(true))
	limit := SeriesBound(sizes)
	assert.LessOrEqual(t, len(series), limit)
	t.Logf("%d series from 100,000 random records (bound %d)", len(series), limit)
	total := int64(0)
	for _, n := range series {
		total += n
	}
	assert.Equal(t, int64(100_000), total, "every record is counted once")
}

// TestValuesAreBoundedAsTheirRowsSay: a value of a set in another case or
// spacing is counted as the set names it; outside the set it is Other
// where the row has Other, else absent; an attribute counted on bounces
// only is dropped from other events.
func TestValuesAreBoundedAsTheirRowsSay(t *testing.T) {
	c := New(Lists{"metrics.domains": {"Gmail.com "}, "accounts": {"tienda"}})
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(opptima.AttrAccount, "unknown-account")
	records := rl.ScopeLogs().AppendEmpty().LogRecords()
	bounce := records.AppendEmpty().Attributes()
	bounce.FromRaw(map[string]any{opptima.AttrEvent: " BOUNCE", opptima.AttrType: "email MARKETING", opptima.AttrToDomain: "gmail.com",
		opptima.AttrBounceType: "Hard", opptima.AttrBounceReason: "not-a-reason", opptima.AttrBounceCategory: "reputation"})
	delivery := records.AppendEmpty().Attributes()
	delivery.FromRaw(map[string]any{opptima.AttrEvent: "delivered", opptima.AttrType: 5, opptima.AttrBounceReason: "blocked"})
	c.Commit(c.Tally(logs))
	assert.Equal(t, map[string]int64{
		want(map[string]string{opptima.AttrEvent: "bounce", opptima.AttrType: "email_marketing", opptima.AttrToDomain: "gmail.com",
			opptima.AttrBounceType: "hard", opptima.AttrBounceReason: "", opptima.AttrBounceCategory: "reputation"}): 1,
		want(map[string]string{opptima.AttrEvent: "delivered"}): 1,
	}, points(t, c.Points(true)))
}

// TestTheAccountIsReadFromTheResource: the account is the resource's (the
// key's), whatever a record's attributes say.
func TestTheAccountIsReadFromTheResource(t *testing.T) {
	c := New(Lists{"accounts": {"tienda"}})
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(opptima.AttrAccount, "tienda")
	attrs := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes()
	attrs.PutStr(opptima.AttrEvent, "sent")
	attrs.PutStr(opptima.AttrAccount, "forged")
	c.Commit(c.Tally(logs))
	assert.Equal(t, map[string]int64{want(map[string]string{opptima.AttrAccount: "tienda", opptima.AttrEvent: "sent"}): 1},
		points(t, c.Points(true)))
}

// TestSeriesBoundIsReached posts every combination of values, each
// dimension's set, another value and none (as the converter writes them:
// a closed set only its values, a dimension decided by another following
// it): the series are exactly SeriesBound, so the bound the docs give is
// the true one, not a loose one.
func TestSeriesBoundIsReached(t *testing.T) {
	lists := Lists{"metrics.domains": {"gmail.com"}, "accounts": {"tienda"}}
	c := New(lists)
	dims := opptima.CounterDimensions()
	var post func(i int, set map[string]string)
	post = func(i int, set map[string]string) {
		if i == len(dims) {
			logs := plog.NewLogs()
			rl := logs.ResourceLogs().AppendEmpty()
			rec := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty()
			for _, d := range dims {
				if value, ok := set[d.Name]; ok && d.OnResource {
					rl.Resource().Attributes().PutStr(d.Name, value)
				} else if ok {
					rec.Attributes().PutStr(d.Name, value)
				}
			}
			c.Commit(c.Tally(logs))
			return
		}
		d := dims[i]
		if d.DecidedBy != "" {
			if decider, ok := set[d.DecidedBy]; ok {
				set[d.Name] = d.Values[len(decider)%len(d.Values)]
			}
			post(i+1, set)
			delete(set, d.Name)
			return
		}
		values := append(slices.Clone(d.Values), lists[d.Configured]...)
		if !closedByTheConverter(d) {
			post(i+1, set) // absent
			values = append(values, "another value")
		}
		for _, value := range values {
			set[d.Name] = value
			post(i+1, set)
		}
		delete(set, d.Name)
	}
	post(0, map[string]string{})
	assert.Equal(t, SeriesBound(map[string]int{"metrics.domains": 1, "accounts": 1}), len(c.Points(true)))
}

// closedByTheConverter: the converter only ever writes values of the set
// (the bounce attributes; on bounces it always writes them).
func closedByTheConverter(d opptima.Dimension) bool { return !d.Other && d.Configured == "" }
