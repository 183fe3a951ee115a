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
	attrCustomHeaders  = "opptima.custom_headers"

	// otherFieldPrefix names every field this receiver does not know.
	otherFieldPrefix = "opptima."
)

// reservedNames are the opptima.* names known fields map to; an unknown field
// whose snake_case name would land on one of them gets a numbered suffix, so
// neither value is lost.
var reservedNames = map[string]bool{
	attrType: true, attrEvent: true, attrRelID: true, attrOrigin: true,
	attrStatus: true, attrResponse: true, attrCertified: true, attrTimestamp: true,
}
