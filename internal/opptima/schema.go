// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"strings"

	"github.com/opptimaotel/opptimareceiver/internal/bounce"
)

// Attribute names are this receiver's public API: the README lists them all.
// Semantic-convention names are used where one fits.
const (
	AttrToAddress      = "email.to.address"
	AttrToDomain       = "email.to.domain"
	attrFromAddress    = "email.from.address"
	attrSubject        = "email.subject"
	attrMessageID      = "email.message_id"
	attrClientAddress  = "client.address"
	attrURLFull        = "url.full"
	attrGeoLat         = "geo.location.lat"
	attrGeoLon         = "geo.location.lon"
	attrGeoLocality    = "geo.locality.name"
	attrUserAgentName  = "user_agent.name"
	attrRecordUID      = "log.record.uid"
	attrRecordOriginal = "log.record.original"
	attrSMTPCode       = "smtp.response.code"
	attrSMTPEnhanced   = "smtp.response.enhanced_status_code"

	AttrType           = "opptima.type"
	AttrEvent          = "opptima.event"
	attrRelID          = "opptima.relid"
	attrCampaignID     = "opptima.campaign.id"
	attrCampaignName   = "opptima.campaign.name"
	attrContactID      = "opptima.contact.id"
	attrOrigin         = "opptima.origin"
	attrStatus         = "opptima.status"
	attrResponse       = "opptima.response"
	attrCertified      = "opptima.certified"
	attrTimestamp      = "opptima.timestamp"
	AttrBounceType     = "opptima.bounce.type"
	AttrBounceReason   = "opptima.bounce.reason"
	AttrBounceCategory = "opptima.bounce.category"
	attrBounceRule     = "opptima.bounce.rule"
	attrCustomHeaders  = "opptima.custom_headers"

	// AttrAccount is on the resource: the configured account whose key
	// the request carried (the receiver sets it).
	AttrAccount = "opptima.account"

	// otherFieldPrefix names every field this receiver does not know.
	otherFieldPrefix = "opptima."
)

// Semantic-convention status of an attribute name.
const (
	semconvStable      = "stable"
	semconvDevelopment = "development"
	semconvNone        = "none: ours" // no convention covers it
)

// attribute is one row of the schema: the attribute's name, the payload
// fields read into it and how, where it comes from in words (the README's
// attribute table lists exactly these names: TestReadmeListsTheSchema), its
// semantic-convention status, and whether the opptima.events counter
// carries it and how its values are bounded. Everything else is derived
// from this table: the known fields, the names an unknown field must not
// take, the counter's dimensions (internal/counters reads them from here;
// metadata.yaml declares them, and a test holds the two together).
type attribute struct {
	name    string
	fields  []string                     // payload fields read into it; none when derived
	read    func(key string) fieldReader // how they are read, given the name
	from    string
	semconv string
	count   *Counted // nil when the counter does not carry it
	// onResource: set on the resource, by the receiver, not on records; no
	// payload field may take its name (an "account" field would otherwise
	// pass for the account).
	onResource bool
}

var schema = []attribute{
	{name: AttrToAddress, fields: []string{"to", "email"}, read: by(readRecipient), from: "to, or email (click events)", semconv: semconvNone},
	{name: AttrToDomain, from: "the recipient's domain, lower-cased", semconv: semconvNone, count: &Counted{Configured: "metrics.domains", Other: true, Required: true}},
	{name: attrFromAddress, fields: []string{"sender"}, read: kept, from: "sender", semconv: semconvNone},
	{name: attrSubject, fields: []string{"subject"}, read: kept, from: "subject", semconv: semconvNone},
	{name: attrMessageID, fields: []string{"msgid"}, read: kept, from: "msgid", semconv: semconvNone},
	{name: attrClientAddress, fields: []string{"ip"}, read: kept, from: "ip", semconv: semconvStable},
	{name: AttrType, fields: []string{"type"}, read: by(readGroup), from: "type", semconv: semconvNone, count: &Counted{Values: documentedGroups, Other: true, Required: true}},
	{name: AttrEvent, fields: []string{"event"}, read: by(readEventKind), from: "event", semconv: semconvNone, count: &Counted{Values: documentedKinds, Other: true, Required: true}},
	{name: attrRelID, fields: []string{"relid"}, read: asText, from: "relid", semconv: semconvNone},
	{name: attrCampaignID, fields: []string{"campid"}, read: asText, from: "campid", semconv: semconvNone},
	{name: attrCampaignName, fields: []string{"campaignName"}, read: asText, from: "campaignName", semconv: semconvNone},
	{name: attrContactID, fields: []string{"contactid", "contactId"}, read: asText, from: "contactid or contactId", semconv: semconvNone},
	{name: attrOrigin, fields: []string{"origin"}, read: kept, from: "origin", semconv: semconvNone},
	{name: attrStatus, fields: []string{"status"}, read: by(readStatus), from: "status", semconv: semconvNone},
	{name: attrResponse, fields: []string{"response"}, read: by(readResponse), from: "response", semconv: semconvNone},
	{name: attrCertified, fields: []string{"certifiedEmail"}, read: kept, from: "certifiedEmail", semconv: semconvNone},
	{name: attrCustomHeaders + ".<name>", fields: []string{"custom_headers"}, read: by(readCustomHeaders), from: "each entry of custom_headers", semconv: semconvNone},
	{name: attrSMTPCode, from: "response: its reply code", semconv: semconvNone},
	{name: attrSMTPEnhanced, from: "response: its enhanced status code", semconv: semconvNone},
	{name: AttrBounceType, from: "status, else the reply's class", semconv: semconvNone, count: &Counted{Values: bounce.Types(), Only: "bounce"}},
	{name: AttrBounceReason, from: "response (internal/bounce)", semconv: semconvNone, count: &Counted{Values: bounce.Reasons(), Only: "bounce"}},
	{name: AttrBounceCategory, from: "the reason", semconv: semconvNone, count: &Counted{Values: bounce.Categories(), Only: "bounce", DecidedBy: AttrBounceReason}},
	{name: attrBounceRule, from: "the rule that decided the reason", semconv: semconvNone},
	{name: attrURLFull, fields: []string{"destination"}, read: by(readDestination), from: "destination", semconv: semconvStable},
	{name: attrGeoLat, fields: []string{"latitude"}, read: kept, from: "latitude", semconv: semconvDevelopment},
	{name: attrGeoLon, fields: []string{"longitude"}, read: kept, from: "longitude", semconv: semconvDevelopment},
	{name: attrGeoLocality, fields: []string{"cityName"}, read: kept, from: "cityName", semconv: semconvDevelopment},
	{name: attrUserAgentName, fields: []string{"browser"}, read: kept, from: "browser", semconv: semconvDevelopment},
	{name: attrTimestamp, fields: []string{"timestamp"}, read: by(readTimestamp), from: "timestamp, when it cannot be read", semconv: semconvNone},
	{name: attrRecordUID, from: "the event's bytes (SHA-256)", semconv: semconvDevelopment},
	{name: attrRecordOriginal, from: "the event's JSON, with raw_payload", semconv: semconvDevelopment},
	{name: AttrAccount, from: "the account whose key the request carried (resource attribute)", semconv: semconvNone, count: &Counted{Configured: "accounts"}, onResource: true},
}

// knownFields lists every field Opptima documents; any other field goes
// through readOtherField, so nothing is ever dropped. reservedNames are
// the opptima.<name> attributes that known fields fill: an unknown field
// whose snake_case name would land on one of them gets a numbered suffix,
// so neither value is lost (a snake_case name has no dot, so names with one
// cannot collide). Both come from the schema, in init: a reader refers to
// reservedNames, which a variable's initializer could not refer back to.
var (
	knownFields   = map[string]knownField{}
	reservedNames = map[string]bool{}
)

func init() {
	for _, a := range schema {
		for _, field := range a.fields {
			key := a.name
			if strings.Contains(key, "<") {
				key = "" // one attribute per entry, never claimed as a whole
			}
			knownFields[field] = knownField{key: key, read: a.read(a.name)}
		}
		if rest, ok := strings.CutPrefix(a.name, otherFieldPrefix); ok && (len(a.fields) > 0 || a.onResource) && !strings.Contains(rest, ".") {
			reservedNames[a.name] = true
		}
	}
}

// Counted says how the opptima.events counter carries an attribute: the
// closed set of values it takes, so that its series stay bounded whatever
// is posted. Everything about a counted attribute comes from here: the
// counter's bound (internal/counters), the series bound
// (counters.SeriesBound), the counter table of docs/counters.md (generated
// by make generate) and the enums metadata.yaml must declare (a test).
type Counted struct {
	// Values are the values counted under their own name, as records carry
	// them: compared in any case and spacing, counted as name segments
	// ("Email marketing" is email_marketing). Configured names the
	// configuration list the values come from instead (metrics.domains).
	Values     []string
	Configured string
	// Other: any other value counts as Other. Without it the converter
	// closes the set: it writes only its values, always on events of the
	// Only kind (TestTheConverterKeepsClosedSetsClosed), and the counter
	// counts any other value as absent.
	Other bool
	// Required: a record without the attribute counts as Other, so every
	// point carries it (metadata.yaml: required, else
	// conditionally_required).
	Required bool
	// Only: the attribute is counted on events of this opptima.event value
	// only, and is always set on them (the bounce attributes).
	Only string
	// DecidedBy: the counted attribute whose value decides this one's, so
	// that it adds no series (a reason has one category).
	DecidedBy string
}

// Segments are the values as counted, Other last when the set has it;
// none for a configured list.
func (c Counted) Segments() []string {
	out := make([]string, 0, len(c.Values)+1)
	for _, v := range c.Values {
		out = append(out, nameSegment(v))
	}
	if c.Other {
		out = append(out, Other)
	}
	return out
}

// Segment is how a value is counted: "Email marketing" is email_marketing.
func Segment(value string) string { return nameSegment(value) }

// Dimension is an attribute the counter carries, and how: its value is
// read from each record, or from the record's resource when OnResource.
type Dimension struct {
	Name string
	Counted
	OnResource bool
}

// CounterDimensions are the attributes the opptima.events counter carries,
// in the schema's order.
func CounterDimensions() []Dimension {
	var dims []Dimension
	for _, a := range schema {
		if a.count != nil {
			dims = append(dims, Dimension{a.name, *a.count, a.onResource})
		}
	}
	return dims
}

// fieldReader maps one payload field onto the record.
type fieldReader func(b *eventBuilder, s *scanner, name []byte)

// knownField is a documented field: the attribute it fills and how.
type knownField struct {
	key  string
	read fieldReader
}
