// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package counters keeps the receiver's own cumulative counters of
// acknowledged events, every attribute bounded. The receiver turns them
// into opptima.events, the metric metadata.yaml declares.
package counters

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
)

// MaxDimensions bounds the counter's dimensions: a Series is an array, so
// that it keys a map without building a string for every record.
const MaxDimensions = 8

// dimensions are the schema's counter dimensions: a Series holds their
// values in this order.
var (
	dimensions     = opptima.CounterDimensions()
	dimensionIndex = map[string]int{}
)

func init() {
	if len(dimensions) > MaxDimensions {
		panic(fmt.Sprintf("the schema has %d counter dimensions: raise counters.MaxDimensions", len(dimensions)))
	}
	for i, d := range dimensions {
		dimensionIndex[d.Name] = i
	}
}

// Counter counts acknowledged events per series. It is safe for concurrent
// use; counts only grow, from the receiver's start.
type Counter struct {
	domains map[string]string // each named domain, to itself

	mu     sync.Mutex
	counts map[Series]*seriesCount
}

// seriesCount is a series' running total, and whether it was emitted yet.
type seriesCount struct {
	n       uint64
	emitted bool
}

// Series is one combination of bounded values, one per counter dimension
// (opptima.CounterDimensions, in that order); "" where a record has none,
// as a delivery has no bounce reason.
type Series [MaxDimensions]string

// Get is the series' value of a dimension, "" when it has none.
func (s Series) Get(name string) string {
	if i, ok := dimensionIndex[name]; ok {
		return s[i]
	}
	return ""
}

// New returns a Counter that names the given recipient domains (any case)
// and counts every other domain as opptima.Other.
func New(domains []string) *Counter {
	c := &Counter{domains: map[string]string{}, counts: map[Series]*seriesCount{}}
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
	series []Series
}

// Tally reads every record's series: each dimension's value from the
// record, or its resource, bounded as the schema says
// (opptima.Counting). It must be called before the logs are consumed: they
// belong to the pipeline after that.
func (c *Counter) Tally(logs plog.Logs) Tally {
	t := Tally{series: make([]Series, 0, logs.LogRecordCount())}
	for _, rl := range logs.ResourceLogs().All() {
		resource := rl.Resource().Attributes()
		for _, sl := range rl.ScopeLogs().All() {
			for _, rec := range sl.LogRecords().All() {
				var s Series
				for i, d := range dimensions {
					from := rec.Attributes()
					if d.OnResource {
						from = resource
					}
					s[i] = c.bound(d.Count, text(from, d.Name))
				}
				t.series = append(t.series, s)
			}
		}
	}
	return t
}

// bound keeps a value to the dimension's bounded set.
func (c *Counter) bound(how opptima.Counting, value string) string {
	switch how {
	case opptima.CountKind:
		return opptima.CountedKind(value)
	case opptima.CountGroup:
		return opptima.CountedGroup(value)
	case opptima.CountDomain:
		if d, ok := c.domains[value]; ok {
			return d
		}
		return opptima.Other
	}
	return value
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

// Point is a series and its count.
type Point struct {
	Series
	Count uint64
}

// Points returns the counts as of now, one per series, in a stable order.
//
// A series is given as 0 the first time, with its count from the next
// call on, unless final: a series that first appears already holding N
// gives Prometheus' rate() and increase() nothing, so the events of a new
// series' first interval (a sudden block at one domain, every series after
// a restart) would be missing from every alert. Starting at 0 is
// Prometheus' own advice for series known to appear; final is the last
// emission, at shutdown, which carries every count as it is.
func (c *Counter) Points(final bool) []Point {
	c.mu.Lock()
	points := make([]Point, 0, len(c.counts))
	for s, sc := range c.counts {
		n := sc.n
		if !sc.emitted && !final {
			n = 0
		}
		sc.emitted = true
		points = append(points, Point{s, n})
	}
	c.mu.Unlock()
	slices.SortFunc(points, func(a, b Point) int { return slices.Compare(a.Series[:], b.Series[:]) })
	return points
}
