// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package counters

import (
	"fmt"
	"strings"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
)

// SeriesBound is the most series a Counter can hold, whatever is posted,
// given how many values each configured list has (by Counted.Configured):
// for each value of opptima.event, the product of the number of values
// each other dimension can take on it. A dimension decided by another
// (DecidedBy) adds none; one counted on one kind of event only (Only) adds
// none on the others; a configured list adds Other, or absent, to its own.
func SeriesBound(listSizes map[string]int) int {
	total := 0
	for _, kind := range eventKinds() {
		n := 1
		for _, d := range dimensions {
			n *= choices(d, kind, listSizes)
		}
		total += n
	}
	return total
}

// eventKinds are the values opptima.event is counted as; one (none) when
// the counter does not carry it.
func eventKinds() []string {
	if i, ok := dimensionIndex[opptima.AttrEvent]; ok {
		return dimensions[i].Segments()
	}
	return []string{""}
}

// choices is how many values d takes on events of this kind.
func choices(d opptima.Dimension, kind string, listSizes map[string]int) int {
	switch {
	case d.Name == opptima.AttrEvent || d.DecidedBy != "":
		return 1
	case d.Only != "" && opptima.Segment(d.Only) != kind:
		return 1 // absent
	case d.Only != "":
		return len(d.Segments())
	}
	n := len(d.Segments()) + listSizes[d.Configured]
	if !d.Required {
		n++ // absent
	}
	return n
}

// BoundFormula writes SeriesBound as the docs give it: the series with
// every configured list empty (base), times what each list adds (lists:
// " × (`metrics.domains` + 1) × (`accounts` + 1)"), and how base comes
// about, per kind of event.
func BoundFormula() (base int, lists, perKind string) {
	base = SeriesBound(nil)
	for _, d := range dimensions {
		if d.Configured != "" {
			lists += fmt.Sprintf(" × (`%s` + %d)", d.Configured, choices(d, "", nil))
		}
	}
	// Kinds with the same product are written once: "3 other kinds: …".
	var order []string
	byProduct := map[string][]string{}
	for _, kind := range eventKinds() {
		var factors []string
		for _, d := range dimensions {
			if n := choices(d, kind, nil); n > 1 && d.Configured == "" {
				factors = append(factors, fmt.Sprintf("%d `%s`", n, d.Name))
			}
		}
		product := strings.Join(factors, " × ")
		if product == "" {
			product = "1"
		}
		if _, ok := byProduct[product]; !ok {
			order = append(order, product)
		}
		byProduct[product] = append(byProduct[product], "`"+kind+"`")
	}
	var terms []string
	for _, product := range order {
		terms = append(terms, fmt.Sprintf("%s: %s", strings.Join(byProduct[product], ", "), product))
	}
	return base, lists, strings.Join(terms, "; ")
}
