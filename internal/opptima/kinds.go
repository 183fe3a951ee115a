// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"slices"
	"strings"
)

// The event kinds and groups Opptima documents. Records name any other
// kind or group as it came ("opptima.smtp.opened"); the opptima.events
// counter, whose values must stay a closed set, counts them as Other.
var (
	documentedKinds  = []string{"bounce", "delivered", "sent", "click"}
	documentedGroups = []string{"SMTP", "Email marketing"}
)

// Other is the counter's value for every kind, group and domain it does
// not name on its own.
const Other = "other"

// documentedEventNames holds the event names of every documented group and
// kind, so the common case costs a lookup instead of three allocations.
var documentedEventNames = func() map[[2]string]string {
	names := map[[2]string]string{}
	for _, group := range documentedGroups {
		for _, kind := range documentedKinds {
			names[[2]string{group, kind}] = buildEventName(group, kind)
		}
	}
	return names
}()

// eventName is opptima.<group>.<event>: "opptima.email_marketing.click".
func eventName(group, kind string) string {
	if name, ok := documentedEventNames[[2]string{group, kind}]; ok {
		return name
	}
	return buildEventName(group, kind)
}

func buildEventName(group, kind string) string {
	return "opptima." + nameSegment(firstNonEmpty(group, "unknown")) + "." + nameSegment(kind)
}

// nameSegment turns "Email marketing" into "email_marketing".
func nameSegment(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
}

// CountedKind is the opptima.event value the counter gives an event's
// kind: a documented kind in any case and spacing, else Other.
func CountedKind(kind string) string { return counted(kind, documentedKinds) }

// CountedGroup is the opptima.type value the counter gives an event's
// group: a documented group named as in event names ("email_marketing"),
// else Other.
func CountedGroup(group string) string { return counted(group, documentedGroups) }

// CountedKinds and CountedGroups are every value CountedKind and
// CountedGroup return: metadata.yaml declares them as the enums.
func CountedKinds() []string  { return append(segments(documentedKinds), Other) }
func CountedGroups() []string { return append(segments(documentedGroups), Other) }

// countedNames are the documented kinds and groups as counted.
var countedNames = func() map[string]string {
	names := map[string]string{}
	for _, s := range slices.Concat(documentedKinds, documentedGroups) {
		names[s] = nameSegment(s)
	}
	return names
}()

// counted compares without allocating: this runs for every record counted.
func counted(value string, documented []string) string {
	value = strings.TrimSpace(value)
	for _, d := range documented {
		if strings.EqualFold(value, d) {
			return countedNames[d]
		}
	}
	return Other
}

func segments(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = nameSegment(n)
	}
	return out
}
