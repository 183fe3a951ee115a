package opptima

// Attribute names are this receiver's public API: the README lists them all.
// Semantic-convention names are used where one fits.
const (
	attrToAddress      = "email.to.address"
	attrToDomain       = "email.to.domain"
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

	attrType           = "opptima.type"
	attrEvent          = "opptima.event"
	attrRelID          = "opptima.relid"
	attrCampaignID     = "opptima.campaign.id"
	attrCampaignName   = "opptima.campaign.name"
	attrContactID      = "opptima.contact.id"
	attrOrigin         = "opptima.origin"
	attrStatus         = "opptima.status"
	attrResponse       = "opptima.response"
	attrCertified      = "opptima.certified"
	attrTimestamp      = "opptima.timestamp"
	attrBounceType     = "opptima.bounce.type"
	attrBounceReason   = "opptima.bounce.reason"
	attrBounceCategory = "opptima.bounce.category"
	attrBounceRule     = "opptima.bounce.rule"
	attrCustomHeaders  = "opptima.custom_headers"

	// otherFieldPrefix names every field this receiver does not know.
	otherFieldPrefix = "opptima."
)

// Semantic-convention status of an attribute name.
const (
	semconvStable      = "stable"
	semconvDevelopment = "development"
	semconvNone        = "none: ours" // no convention covers it
)

// attributeDoc says where an attribute comes from, as githubreceiver's
// model.go does. The README's attribute table lists the same names
// (TestReadmeListsTheSchema).
type attributeDoc struct {
	name, from, semconv string
}

var schema = []attributeDoc{
	{attrToAddress, "to, or email (click events)", semconvNone},
	{attrToDomain, "the recipient's domain, lower-cased", semconvNone},
	{attrFromAddress, "sender", semconvNone},
	{attrSubject, "subject", semconvNone},
	{attrMessageID, "msgid", semconvNone},
	{attrClientAddress, "ip", semconvStable},
	{attrType, "type", semconvNone},
	{attrEvent, "event", semconvNone},
	{attrRelID, "relid", semconvNone},
	{attrCampaignID, "campid", semconvNone},
	{attrCampaignName, "campaignName", semconvNone},
	{attrContactID, "contactid or contactId", semconvNone},
	{attrOrigin, "origin", semconvNone},
	{attrStatus, "status", semconvNone},
	{attrResponse, "response", semconvNone},
	{attrCertified, "certifiedEmail", semconvNone},
	{attrCustomHeaders + ".<name>", "each entry of custom_headers", semconvNone},
	{attrSMTPCode, "response: its reply code", semconvNone},
	{attrSMTPEnhanced, "response: its enhanced status code", semconvNone},
	{attrBounceType, "status, else the reply's class", semconvNone},
	{attrBounceReason, "response (internal/bounce)", semconvNone},
	{attrBounceCategory, "the reason", semconvNone},
	{attrBounceRule, "the rule that decided the reason", semconvNone},
	{attrURLFull, "destination", semconvStable},
	{attrGeoLat, "latitude", semconvDevelopment},
	{attrGeoLon, "longitude", semconvDevelopment},
	{attrGeoLocality, "cityName", semconvDevelopment},
	{attrUserAgentName, "browser", semconvDevelopment},
	{attrTimestamp, "timestamp, when it cannot be read", semconvNone},
	{attrRecordUID, "the event's bytes (SHA-256)", semconvDevelopment},
	{attrRecordOriginal, "the event's JSON, with raw_payload", semconvDevelopment},
}

// reservedNames are the opptima.* names known fields map to; an unknown field
// whose snake_case name would land on one of them gets a numbered suffix, so
// neither value is lost.
var reservedNames = map[string]bool{
	attrType: true, attrEvent: true, attrRelID: true, attrOrigin: true,
	attrStatus: true, attrResponse: true, attrCertified: true, attrTimestamp: true,
}

// fieldReader maps one payload field onto the record.
type fieldReader func(b *eventBuilder, s *scanner, name []byte)

// knownField is a documented field: the attribute it fills and how.
type knownField struct {
	key  string
	read fieldReader
}

// knownFields lists every field Opptima documents. Any other field goes
// through readOtherField, so nothing is ever dropped.
var knownFields = map[string]knownField{
	"type":           {attrType, func(b *eventBuilder, s *scanner, _ []byte) { b.group = b.putText(attrType, s) }},
	"event":          {attrEvent, readEventKind},
	"status":         {attrStatus, func(b *eventBuilder, s *scanner, _ []byte) { b.status = b.putValue(attrStatus, s) }},
	"to":             {attrToAddress, readRecipient},
	"email":          {attrToAddress, readRecipient},
	"sender":         keepAs(attrFromAddress),
	"subject":        keepAs(attrSubject),
	"msgid":          keepAs(attrMessageID),
	"ip":             keepAs(attrClientAddress),
	"origin":         keepAs(attrOrigin),
	"certifiedEmail": keepAs(attrCertified),
	"relid":          keepAsText(attrRelID),
	"campid":         keepAsText(attrCampaignID),
	"campaignName":   keepAsText(attrCampaignName),
	"contactid":      keepAsText(attrContactID),
	"contactId":      keepAsText(attrContactID),
	"response":       {attrResponse, readResponse},
	"custom_headers": {"", readCustomHeaders},
	"timestamp":      {attrTimestamp, readTimestamp},
	"destination":    {attrURLFull, func(b *eventBuilder, s *scanner, _ []byte) { b.destination = b.putValue(attrURLFull, s) }},
	"latitude":       keepAs(attrGeoLat),
	"longitude":      keepAs(attrGeoLon),
	"cityName":       keepAs(attrGeoLocality),
	"browser":        keepAs(attrUserAgentName),
}
