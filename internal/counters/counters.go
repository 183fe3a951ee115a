// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package counters keeps the receiver's own cumulative counters of
// acknowledged events, every attribute bounded. The receiver turns them
// into opptima.events, the metric metadata.yaml declares.
package counters

import (
	"slices"
	"strings"
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
)

// dimensions are the schema's counter dimensions (its rows with a
// Counted): a Series holds their values in this order.
var (
	dimensions     = opptima.CounterDimensions()
	dimensionIndex = map[string]int{}
)

func init() {
	for i, d := range dimensions {
		dimensionIndex[d.Name] = i
	}
}

// Lists are the configured lists that counted attributes take their values
// from, by the name their schema row gives (Counted.Configured):
// "metrics.domains", "accounts".
type Lists map[string][]string

// Counter counts acknowledged events per series. It is safe for concurrent
// use; counts only grow, from the receiver's start.
type Counter struct {
	dims  []dimension
	event int // the opptima.event dimension, which Counted.Only refers to; -1 without one

	mu     sync.Mutex
	counts map[string]*seriesCount // by series key (dimension.put)
}

// seriesCount is a series' running total, and whether it was emitted yet.
type seriesCount struct {
	n       uint64
	emitted bool
}

// dimension is a counted attribute's closed set, numbered: a record's
// value becomes its number, and a series' key is the numbers of its
// values, so that counting a record builds no string.
type dimension struct {
	opptima.Dimension
	values []string // each number's value as counted; 0 is absent ("")
	// exact finds a value as records carry it or as counted; named are
	// the same pairs, for values in another case or spacing.
	exact  map[string]uint32
	named  []namedValue
	other  uint32 // what a value outside the set counts as: Other, else absent
	absent uint32 // what a record without the value counts as: Other when Required
	only   uint32 // the opptima.event number this dimension is counted on (Only); 0 on every event
	width  int    // bytes of its number in a series key
}

type namedValue struct {
	name   string
	number uint32
}

// New returns a Counter whose configured dimensions take their values from
// lists (any case; a list the schema names and lists lacks is empty).
func New(lists Lists) *Counter {
	c := &Counter{event: -1, counts: map[string]*seriesCount{}}
	for i, d := range dimensions {
		dim := dimension{Dimension: d, values: []string{""}, exact: map[string]uint32{}}
		add := func(as string) {
			segment := opptima.Segment(as)
			number, ok := dim.exact[segment]
			if !ok {
				number = uint32(len(dim.values))
				dim.values = append(dim.values, segment)
			}
			for _, name := range []string{strings.TrimSpace(as), segment} {
				dim.exact[name] = number
				dim.named = append(dim.named, namedValue{name, number})
			}
		}
		for _, v := range d.Values {
			add(v)
		}
		for _, v := range lists[d.Configured] {
			add(v)
		}
		if d.Other {
			add(opptima.Other)
			dim.other = dim.exact[opptima.Other]
		}
		if d.Required {
			dim.absent = dim.other
		}
		for n := len(dim.values); n > 0; n >>= 8 {
			dim.width++
		}
		if d.Name == opptima.AttrEvent {
			c.event = i
		}
		c.dims = append(c.dims, dim)
	}
	for i, d := range c.dims {
		if d.Only != "" && c.event >= 0 {
			c.dims[i].only = c.dims[c.event].exact[opptima.Segment(d.Only)]
		}
	}
	return c
}

// number is a value's number in the dimension's set; it compares without
// allocating: this runs for every record counted.
func (d *dimension) number(value string, present bool) uint32 {
	if !present {
		return d.absent
	}
	if n, ok := d.exact[value]; ok {
		return n
	}
	value = strings.TrimSpace(value)
	for _, v := range d.named {
		if strings.EqualFold(value, v.name) {
			return v.number
		}
	}
	return d.other
}

// put writes a number into a series key, little-endian in d.width bytes.
func (d *dimension) put(key []byte, n uint32) []byte {
	for range d.width {
		key = append(key, byte(n))
		n >>= 8
	}
	return key
}

func (d *dimension) get(key []byte) (uint32, []byte) {
	var n uint32
	for i := range d.width {
		n |= uint32(key[i]) << (8 * i)
	}
	return n, key[d.width:]
}

// Tally is what one request adds to the counts: the series of its events,
// read from the records about to be consumed. Commit counts it once the
// request is acknowledged, so the counts are the records, never a parallel
// account of them.
type Tally struct {
	keys  []byte // the series keys, one after the other
	width int    // bytes of one key
}

// Tally reads every record's series: each dimension's value from the
// record, or its resource, bounded as its schema row says
// (opptima.Counted). It must be called before the logs are consumed: they
// belong to the pipeline after that.
func (c *Counter) Tally(logs plog.Logs) Tally {
	width := 0
	for _, d := range c.dims {
		width += d.width
	}
	t := Tally{keys: make([]byte, 0, width*logs.LogRecordCount()), width: width}
	numbers := make([]uint32, len(c.dims))
	for _, rl := range logs.ResourceLogs().All() {
		resource := rl.Resource().Attributes()
		for _, sl := range rl.ScopeLogs().All() {
			for _, rec := range sl.LogRecords().All() {
				for i := range c.dims {
					d := &c.dims[i]
					from := rec.Attributes()
					if d.OnResource {
						from = resource
					}
					value, present := text(from, d.Name)
					numbers[i] = d.number(value, present)
				}
				for i := range c.dims {
					d := &c.dims[i]
					if d.only != 0 && numbers[c.event] != d.only {
						numbers[i] = 0 // counted on one kind of event only
					}
					t.keys = d.put(t.keys, numbers[i])
				}
			}
		}
	}
	return t
}

// Commit counts a tally: its request was answered 200.
func (c *Counter) Commit(t Tally) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key := range slices.Chunk(t.keys, max(t.width, 1)) {
		if sc, ok := c.counts[string(key)]; ok {
			sc.n++
		} else {
			c.counts[string(key)] = &seriesCount{n: 1}
		}
	}
}

// text is a string attribute's value; absent when it is not there or not
// text.
func text(attrs pcommon.Map, name string) (string, bool) {
	if v, ok := attrs.Get(name); ok && v.Type() == pcommon.ValueTypeStr {
		return v.Str(), true
	}
	return "", false
}

// Series is one combination of bounded values, one per counter dimension
// (opptima.CounterDimensions, in that order); "" where a record has none,
// as a delivery has no bounce reason.
type Series []string

// Get is the series' value of a dimension, "" when it has none.
func (s Series) Get(name string) string {
	if i, ok := dimensionIndex[name]; ok && i < len(s) {
		return s[i]
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
	for key, sc := range c.counts {
		n := sc.n
		if !sc.emitted && !final {
			n = 0
		}
		sc.emitted = true
		points = append(points, Point{c.series(key), n})
	}
	c.mu.Unlock()
	slices.SortFunc(points, func(a, b Point) int { return slices.Compare(a.Series, b.Series) })
	return points
}

// series reads a series key back into values.
func (c *Counter) series(key string) Series {
	s := make(Series, len(c.dims))
	rest := []byte(key)
	for i := range c.dims {
		var n uint32
		n, rest = c.dims[i].get(rest)
		s[i] = c.dims[i].values[n]
	}
	return s
}
