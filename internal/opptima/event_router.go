package opptima

import (
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/opptimaotel/opptimareceiver/internal/bounce"
)

// kindHandler finishes a record once all fields are read: severity, the
// one-line body, and any attribute that only makes sense for that kind.
type kindHandler func(b *eventBuilder, rec plog.LogRecord)

// kindHandlers has one small handler per event kind that needs its own;
// delivered, sent and any kind not documented yet share finishOther, so
// new kinds still arrive.
var kindHandlers = map[string]kindHandler{
	"bounce": finishBounce,
	"click":  finishClick,
}

func routeEvent(b *eventBuilder, rec plog.LogRecord) {
	if finish, ok := kindHandlers[nameSegment(b.kind)]; ok {
		finish(b, rec)
		return
	}
	finishOther(b, rec)
}

// finishBounce: "Rebote duro: 550 5.5.0 Requested action not taken: ...",
// with the bounce's type, reason and category. Hard bounces are ERROR and
// soft ones WARN; a bounce that neither the status nor the reply code
// classifies is WARN too, so that "severity >= WARN" finds every bounce.
func finishBounce(b *eventBuilder, rec plog.LogRecord) {
	b.bounce = bounce.Analyze(b.status, b.reply, b.responseText)
	b.isBounce = true
	b.attrs.PutStr(attrBounceType, b.bounce.Type)
	b.attrs.PutStr(attrBounceReason, b.bounce.Reason)
	b.attrs.PutStr(attrBounceCategory, b.bounce.Category)
	if b.bounce.Type == bounce.TypeHard {
		setSeverity(rec, plog.SeverityNumberError)
	} else {
		setSeverity(rec, plog.SeverityNumberWarn)
	}
	setBody(rec, b.label(), firstNonEmpty(b.response, b.recipient))
}

// finishClick: "click: https://example.com/offer".
func finishClick(b *eventBuilder, rec plog.LogRecord) {
	setSeverity(rec, plog.SeverityNumberInfo)
	setBody(rec, b.label(), firstNonEmpty(b.destination, b.recipient))
}

// finishOther: delivered ("Entregado: test@testdomain.com"), sent, and
// kinds not documented yet: "<status or event>: <recipient>", INFO.
func finishOther(b *eventBuilder, rec plog.LogRecord) {
	setSeverity(rec, plog.SeverityNumberInfo)
	setBody(rec, b.label(), b.recipient)
}

// label is the Spanish status when Opptima sent one, else the event kind.
func (b *eventBuilder) label() string {
	return firstNonEmpty(b.status, b.kind)
}

// severityText is the conventional upper-case text of each number we use.
var severityText = map[plog.SeverityNumber]string{
	plog.SeverityNumberInfo:  "INFO",
	plog.SeverityNumberWarn:  "WARN",
	plog.SeverityNumberError: "ERROR",
}

func setSeverity(rec plog.LogRecord, n plog.SeverityNumber) {
	rec.SetSeverityNumber(n)
	rec.SetSeverityText(severityText[n])
}

func setBody(rec plog.LogRecord, label, detail string) {
	if detail == "" {
		rec.Body().SetStr(label)
		return
	}
	rec.Body().SetStr(label + ": " + detail)
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
