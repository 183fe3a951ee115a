// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import "strings"

// The event kinds and groups Opptima documents. Records name any other
// kind or group as it came ("opptima.smtp.opened"); the opptima.events
// counter, whose values must stay a closed set, counts them as Other (their
// schema rows).
var (
	documentedKinds  = []string{"bounce", "delivered", "sent", "click"}
	documentedGroups = []string{"SMTP", "Email marketing"}
)

// Other is the counter's value for every value outside a counted
// attribute's set (Counted.Other).
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
