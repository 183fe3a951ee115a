// Package counters keeps the receiver's own cumulative counters of
// acknowledged events, every attribute bounded, and turns them into OTel
// metrics.
package counters

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
)

// The metric. Its attributes are the log attributes it summarises
// (opptima.CounterDimensions), so a query can go from one to the other.
const (
	MetricName        = "opptima.events"
	metricUnit        = "{event}"
	metricDescription = "Opptima events acknowledged by the receiver (answered 200), by account, kind, group, bounce type, reason and category, and recipient domain."

	// Other is the value of every event kind, group and domain the
	// counters do not name on their own.
	Other = "other"
)

// Counter counts acknowledged events per series. It is safe for concurrent
// use; counts only grow, from the receiver's start.
type Counter struct {
	domains map[string]string // each named domain, to itself
	start   pcommon.Timestamp

	mu     sync.Mutex
	counts map[series]*seriesCount
}

// seriesCount is a series' running total, and whether it was emitted yet.
type seriesCount struct {
	n       uint64
	emitted bool
}

// series is one combination of bounded attribute values; bounce type,
// reason and category are empty for events that are not bounces.
type series struct {
	account                                                        string // "" when the key is not an account's
	event, group, bounceType, bounceReason, bounceCategory, domain string
}

// New returns a Counter that names the given recipient domains (any case)
// and counts every other domain as "other". start is the start time of
// every point.
func New(domains []string, start time.Time) *Counter {
	c := &Counter{domains: map[string]string{}, start: pcommon.NewTimestampFromTime(start), counts: map[series]*seriesCount{}}
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		c.domains[d] = d
	}
	return c
}

// Tally is what one request adds to the counts: the series of its events,
// read from the records about to be consumed. Commit counts it once the
// request is acknowledged, so the counts are the records, never a parallel
// account of them.
type Tally struct {
	series []series
}

// Tally reads every record's series (the dimensions of
// opptima.CounterDimensions), each bounded: the documented kinds and groups
// keep their names, the configured domains theirs, and the rest is
// "other"; bounces carry their type, reason and category, which are closed
// sets. It must be called before the logs are consumed: they belong to the
// pipeline after that.
func (c *Counter) Tally(logs plog.Logs) Tally {
	t := Tally{series: make([]series, 0, logs.LogRecordCount())}
	for _, rl := range logs.ResourceLogs().All() {
		account := text(rl.Resource().Attributes(), opptima.AttrAccount)
		for _, sl := range rl.ScopeLogs().All() {
			for _, rec := range sl.LogRecords().All() {
				attrs := rec.Attributes()
				s := series{account: account, event: eventKind(text(attrs, opptima.AttrEvent)),
					group: eventGroup(text(attrs, opptima.AttrType)), domain: Other}
				if d, ok := c.domains[text(attrs, opptima.AttrToDomain)]; ok {
					s.domain = d
				}
				if bounceType, ok := attrs.Get(opptima.AttrBounceType); ok {
					s.bounceType = bounceType.Str()
					s.bounceReason = text(attrs, opptima.AttrBounceReason)
					s.bounceCategory = text(attrs, opptima.AttrBounceCategory)
				}
				t.series = append(t.series, s)
			}
		}
	}
	return t
}

// Commit counts a tally: its request was answered 200.
func (c *Counter) Commit(t Tally) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range t.series {
		if sc, ok := c.counts[s]; ok {
			sc.n++
		} else {
			c.counts[s] = &seriesCount{n: 1}
		}
	}
}

// text is a string attribute's value, "" when it is absent or not text.
func text(attrs pcommon.Map, name string) string {
	if v, ok := attrs.Get(name); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str()
	}
	return ""
}

// documentedKinds are the event kinds Opptima documents.
var documentedKinds = []string{"bounce", "delivered", "sent", "click"}

func eventKind(kind string) string {
	kind = strings.TrimSpace(kind)
	for _, k := range documentedKinds {
		if strings.EqualFold(kind, k) {
			return k
		}
	}
	return Other
}

// eventGroup names the documented groups ("SMTP", "Email marketing") as
// the log records' event names do.
func eventGroup(group string) string {
	group = strings.TrimSpace(group)
	switch {
	case strings.EqualFold(group, "SMTP"):
		return "smtp"
	case strings.EqualFold(group, "Email marketing"):
		return "email_marketing"
	}
	return Other
}

// Metrics returns the counts as of now: one monotonic cumulative sum with a
// point per series, all starting at the Counter's start, in a stable order.
//
// A series is emitted at 0 the first time, with its count from the next
// emission on, unless final: a series that first appears already holding N
// gives Prometheus' rate() and increase() nothing, so the events of a new
// series' first interval (a sudden block at one domain, every series after
// a restart) would be missing from every alert. Starting at 0 is
// Prometheus' own advice for series known to appear; final is the last
// emission, at shutdown, which carries every count as it is.
func (c *Counter) Metrics(now time.Time, final bool, scopeName, scopeVersion string) pmetric.Metrics {
	c.mu.Lock()
	points := make([]point, 0, len(c.counts))
	for s, sc := range c.counts {
		n := sc.n
		if !sc.emitted && !final {
			n = 0
		}
		sc.emitted = true
		points = append(points, point{s, n})
	}
	c.mu.Unlock()
	slices.SortFunc(points, func(a, b point) int { return a.series.compare(b.series) })

	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", opptima.ServiceName)
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName(scopeName)
	sm.Scope().SetVersion(scopeVersion)
	m := sm.Metrics().AppendEmpty()
	m.SetName(MetricName)
	m.SetUnit(metricUnit)
	m.SetDescription(metricDescription)
	sum := m.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	dps := sum.DataPoints()
	dps.EnsureCapacity(len(points))
	ts := pcommon.NewTimestampFromTime(now)
	for _, p := range points {
		dp := dps.AppendEmpty()
		dp.SetStartTimestamp(c.start)
		dp.SetTimestamp(ts)
		dp.SetIntValue(int64(p.count))
		attrs := dp.Attributes()
		if p.series.account != "" {
			attrs.PutStr(opptima.AttrAccount, p.series.account)
		}
		attrs.PutStr(opptima.AttrEvent, p.series.event)
		attrs.PutStr(opptima.AttrType, p.series.group)
		if p.series.bounceType != "" {
			attrs.PutStr(opptima.AttrBounceType, p.series.bounceType)
			attrs.PutStr(opptima.AttrBounceReason, p.series.bounceReason)
			attrs.PutStr(opptima.AttrBounceCategory, p.series.bounceCategory)
		}
		attrs.PutStr(opptima.AttrToDomain, p.series.domain)
	}
	return md
}

type point struct {
	series series
	count  uint64
}

func (s series) compare(o series) int {
	return cmp.Or(
		strings.Compare(s.account, o.account), strings.Compare(s.event, o.event), strings.Compare(s.group, o.group),
		strings.Compare(s.bounceType, o.bounceType), strings.Compare(s.bounceReason, o.bounceReason), strings.Compare(s.bounceCategory, o.bounceCategory),
		strings.Compare(s.domain, o.domain))
}
