// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package counters

import (
	"fmt"
	"math/rand/v2"
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

// keyOrder is the order of the dimensions in the keys the tests write.
var keyOrder = []string{opptima.AttrAccount, opptima.AttrEvent, opptima.AttrType, opptima.AttrBounceType,
	opptima.AttrBounceReason, opptima.AttrBounceCategory, opptima.AttrToDomain}

// key writes a series as "name=value," for each dimension it has.
func key(s Series) string {
	out := ""
	for _, name := range keyOrder {
		if value := s.Get(name); value != "" {
			out += name + "=" + value + ","
		}
	}
	return out
}

// TestSeriesHoldEverySchemaDimension: the keys above name every dimension
// of the schema, and a series has room for each.
func TestSeriesHoldEverySchemaDimension(t *testing.T) {
	var names []string
	for _, d := range opptima.CounterDimensions() {
		names = append(names, d.Name)
	}
	assert.ElementsMatch(t, names, keyOrder)
	assert.LessOrEqual(t, len(names), MaxDimensions)
}

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
	c := New([]string{"Gmail.com ", "hotmail.com"})
	add(c, "", []event{
		bounceTo("gmail.com", "blocked", "reputation"),
		bounceTo("gmail.com", "blocked", "reputation"),
		bounceTo("example.org", "user_unknown", "invalid_address"),
		{Event: "delivered", Type: "Email marketing", Domain: "hotmail.com"},
		{Event: " Delivered", Type: "email MARKETING", Domain: "hotmail.com"},
		{Event: "opened", Type: "Transactional", Domain: ""},
	})
	assert.Equal(t, map[string]int64{
		"opptima.event=bounce,opptima.type=smtp,opptima.bounce.type=hard,opptima.bounce.reason=blocked,opptima.bounce.category=reputation,email.to.domain=gmail.com,":       2,
		"opptima.event=bounce,opptima.type=smtp,opptima.bounce.type=hard,opptima.bounce.reason=user_unknown,opptima.bounce.category=invalid_address,email.to.domain=other,": 1,
		"opptima.event=delivered,opptima.type=email_marketing,email.to.domain=hotmail.com,":                                                                                 2,
		"opptima.event=other,opptima.type=other,email.to.domain=other,":                                                                                                     1,
	}, points(t, c.Points(true)))
}

func TestCountsAreCumulative(t *testing.T) {
	c := New(nil)
	add(c, "", []event{{Event: "sent", Type: "SMTP"}})
	first := points(t, c.Points(false))
	second := points(t, c.Points(false))
	add(c, "", []event{{Event: "sent", Type: "SMTP"}, {Event: "sent", Type: "SMTP"}})
	third := points(t, c.Points(false))
	key := "opptima.event=sent,opptima.type=smtp,email.to.domain=other,"
	assert.Equal(t, map[string]int64{key: 0}, first, "a new series is emitted at 0 first")
	assert.Equal(t, int64(1), second[key])
	assert.Equal(t, int64(3), third[key], "each emission carries the running total")

	add(c, "", []event{{Event: "click", Type: "SMTP"}})
	final := points(t, c.Points(true))
	assert.Equal(t, int64(1), final["opptima.event=click,opptima.type=smtp,email.to.domain=other,"], "the final emission carries every count")
}

// TestConcurrentAddsAreExact: 64 goroutines adding at once lose nothing.
func TestConcurrentAddsAreExact(t *testing.T) {
	c := New(DefaultDomains)
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

// TestCardinalityIsBounded posts 100,000 events of random kinds, groups
// and domains: the series never exceed what the configuration allows,
// (3 documented kinds besides bounce + other) × (2 groups + other) for
// other events and 3 groups × 3 bounce types × 32 reasons for bounces (a
// reason has one category), per named domain and other.
func TestCardinalityIsBounded(t *testing.T) {
	domains := []string{"gmail.com", "hotmail.com", "une.net.co"}
	c := New(domains)
	rng := rand.New(rand.NewPCG(1, 2))
	types := []string{"hard", "soft", "unknown"}
	categories := []string{"invalid_address", "mailbox_unavailable", "reputation", "content", "frequency_or_volume", "technical", "unclassified"}
	for range 100_000 {
		o := event{
			Event:  fmt.Sprintf("kind-%d", rng.IntN(1_000_000)),
			Type:   fmt.Sprintf("group-%d", rng.IntN(1_000_000)),
			Domain: fmt.Sprintf("d%d.example", rng.IntN(1_000_000)),
		}
		switch rng.IntN(4) {
		case 0:
			o.Event, o.Bounce, o.BounceType = "bounce", true, types[rng.IntN(3)]
			reason := rng.IntN(32)
			o.BounceReason, o.BounceCategory = fmt.Sprintf("reason-%d", reason), categories[reason%7]
		case 1:
			o.Event, o.Type, o.Domain = "delivered", "SMTP", domains[rng.IntN(len(domains))]
		}
		add(c, "", []event{o})
	}
	got := len(points(t, c.Points(true)))
	limit := (4*3 + 3*3*32) * (len(domains) + 1)
	assert.LessOrEqual(t, got, limit)
	t.Logf("%d series from 100,000 random events (limit %d)", got, limit)
}

// TestTheAccountIsReadFromTheResource: the account is the resource's (the
// key's), whatever a record's attributes say.
func TestTheAccountIsReadFromTheResource(t *testing.T) {
	c := New(nil)
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr(opptima.AttrAccount, "tienda")
	attrs := rl.ScopeLogs().AppendEmpty().LogRecords().AppendEmpty().Attributes()
	attrs.PutStr(opptima.AttrEvent, "sent")
	attrs.PutStr(opptima.AttrAccount, "forged")
	c.Commit(c.Tally(logs))
	assert.Equal(t, map[string]int64{"opptima.account=tienda,opptima.event=sent,opptima.type=other,email.to.domain=other,": 1},
		points(t, c.Points(true)))
}
