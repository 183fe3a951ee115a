// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/opptimaotel/opptimareceiver/internal/bounce"
)

func TestToLogsRejectsBodiesThatAreNotEvents(t *testing.T) {
	converter := newTestConverter(t, false)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	tests := []struct {
		name, body, wantErr string
	}{
		{"empty", "", "body is empty"},
		{"whitespace", " \n\t ", "body is empty"},
		{"null", "null", "body is null: expected an event"},
		{"number", "42", "body is a number: expected"},
		{"string", `"bounce"`, "body is a string: expected"},
		{"boolean", "true", "body is a boolean: expected"},
		{"garbage", "bounce!", `body is not JSON (it starts "bounce!")`},
		{"a word that starts like null", "nonsense", `body is not JSON (it starts "nonsense")`},
		{"a word that starts like true", "type=SMTP&event=bounce", "body is form-encoded"},
		{"form-encoded", "event=bounce&to=a%40b.co", "send the events as a JSON object or array"},
		{"event is a number", `{"type":"SMTP","event":5}`, `"event" is a number, not text: send the event's kind, such as "bounce"`},
		{"event is an object", `[{"type":"SMTP","event":"bounce"},{"event":{"kind":"bounce"}}]`, `event 1: "event" is an object, not text`},
		{"truncated object", `{"type":"SMTP","event":"bounce"`, "not valid JSON"},
		{"trailing data", `{"type":"SMTP","event":"bounce"} {"x":1}`, "unexpected data after the top-level value"},
		{"empty array", "[]", "the array holds no events"},
		{"array with a number", `[{"type":"SMTP","event":"bounce"}, 3]`, "element 1 of the array is a number, not an event object"},
		{"nested arrays", `[[{"type":"SMTP","event":"bounce"}]]`, "element 0 of the array is an array"},
		{"deep nesting", deep, "nested deeper than 512 levels"},
		{"deep nesting inside an event", `{"event":"bounce","x":` + deep + `}`, "nested deeper than 512 levels"},
		{"control character in a string", "{\"event\":\"bounce\",\"to\":\"a\x01b\"}", "control character"},
		{"bad escape", `{"event":"bounce","to":"a\qb"}`, "bad escape"},
		{"leading zero", `{"event":"bounce","relid":012}`, "not valid JSON"},
		{"single quotes", `{'event':'bounce'}`, "not valid JSON"},
		{"missing colon", `{"event" "bounce"}`, "expected ':'"},
		{"trailing comma", `{"event":"bounce",}`, "not valid JSON"},
		{"missing event", `{"type":"SMTP","to":"a@b.co"}`, `"event" is missing or empty`},
		{"event in an array without kind", `[{"type":"SMTP","event":"bounce"},{"type":"SMTP"}]`, `event 1: "event" is missing`},
		{"invalid UTF-8", "{\"type\":\"SMTP\",\"event\":\"bounce\",\"to\":\"\xff\"}", "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs, err := converter.ToLogs([]byte(tt.body), observedAt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Equal(t, 0, logs.LogRecordCount(), "nothing may be half-converted")
		})
	}
}

func TestToLogsErrorsDoNotEchoThePayload(t *testing.T) {
	converter := newTestConverter(t, false)
	_, err := converter.ToLogs([]byte(`{"type":"SMTP","event":"bounce","to":"secret-recipient@x.co",`), observedAt)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret-recipient")
}

func TestNumbersKeepTheirValue(t *testing.T) {
	converter := newTestConverter(t, false)
	logs, err := converter.ToLogs([]byte(`{"event":"sent","big":9007199254740993,"huge":1e400,"ratio":0.5,"neg":-2,"exp":1E3,"bigger":123456789012345678901234567890}`), observedAt)
	require.NoError(t, err)
	attrs := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
	big, _ := attrs.Get("opptima.big")
	assert.Equal(t, int64(9007199254740993), big.Int(), "integers beyond 2^53 stay exact")
	huge, _ := attrs.Get("opptima.huge")
	assert.Equal(t, "1e400", huge.Str(), "a number no float64 can hold is kept as written")
	ratio, _ := attrs.Get("opptima.ratio")
	assert.InDelta(t, 0.5, ratio.Double(), 0)
	neg, _ := attrs.Get("opptima.neg")
	assert.Equal(t, int64(-2), neg.Int())
	exp, _ := attrs.Get("opptima.exp")
	assert.InDelta(t, 1000.0, exp.Double(), 0)
	bigger, _ := attrs.Get("opptima.bigger")
	assert.InDelta(t, 1.2345678901234568e29, bigger.Double(), 1e14, "beyond int64 it becomes a float")
}

func TestDuplicateKeysKeepEveryValue(t *testing.T) {
	converter := newTestConverter(t, false)
	body := `{"event":"bounce","status":"Rebote suave","status":"Rebote duro","to":"a@b.co","to":"c@d.co",` +
		`"timestamp":"2020-10-05 17:40:54","timestamp":"2021-01-01 00:00:00","event":"sent"}`
	logs, err := converter.ToLogs([]byte(body), observedAt)
	require.NoError(t, err)
	rec := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
	want := map[string]string{
		attrStatus:            "Rebote suave", // the first value keeps the attribute
		"opptima.status_2":    "Rebote duro",  // the second is kept too
		AttrToAddress:         "a@b.co",
		"opptima.to":          "c@d.co",
		"opptima.timestamp_2": "2021-01-01 00:00:00",
		AttrEvent:             "bounce",
		"opptima.event_2":     "sent",
		AttrBounceType:        bounce.TypeSoft,
	}
	for key, value := range want {
		got, ok := rec.Attributes().Get(key)
		if assert.True(t, ok, key) {
			assert.Equal(t, value, got.Str(), key)
		}
	}
	assert.Equal(t, "2020-10-05T22:40:54Z", rec.Timestamp().AsTime().Format(time.RFC3339))
	assert.Equal(t, "opptima.unknown.bounce", rec.EventName())
}

func TestRecordUIDIsDeterministic(t *testing.T) {
	converter := newTestConverter(t, false)
	uid := func(body string) string {
		logs, err := converter.ToLogs([]byte(body), observedAt)
		require.NoError(t, err)
		v, ok := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(attrRecordUID)
		require.True(t, ok)
		return v.Str()
	}
	first := uid(`{"event":"bounce","to":"a@b.co","timestamp":"2020-10-05 17:40:54"}`)
	assert.Equal(t, first, uid(`{"event":"bounce","to":"a@b.co","timestamp":"2020-10-05 17:40:54"}`), "a resent event keeps its id")
	assert.Equal(t, first, uid(`[{"event":"bounce","to":"a@b.co","timestamp":"2020-10-05 17:40:54"}]`), "the same event inside an array keeps its id")
	assert.NotEqual(t, first, uid(`{"event":"bounce","to":"c@b.co","timestamp":"2020-10-05 17:40:54"}`))
	assert.Len(t, first, 32)
}

func TestRawPayloadKeepsTheOriginalEvent(t *testing.T) {
	event := `{"type": "SMTP", "event": "bounce", "to": "a@b.co"}`
	logs, err := newTestConverter(t, true).ToLogs([]byte("[ "+event+" ]"), observedAt)
	require.NoError(t, err)
	original, ok := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(attrRecordOriginal)
	require.True(t, ok)
	assert.Equal(t, event, original.Str())

	logs, err = newTestConverter(t, false).ToLogs([]byte(event), observedAt)
	require.NoError(t, err)
	_, ok = logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes().Get(attrRecordOriginal)
	assert.False(t, ok, "log.record.original only when raw_payload is on")
}

func TestEventRouting(t *testing.T) {
	converter := newTestConverter(t, false)
	tests := []struct {
		body, eventName, severity, bodyText string
	}{
		{`{"type":"SMTP","event":"bounce","status":"Rebote duro","response":"550 5.1.1 no such user"}`, "opptima.smtp.bounce", "ERROR", "Rebote duro: 550 5.1.1 no such user"},
		{`{"type":"SMTP","event":"bounce","status":"Rebote suave","response":"452 4.2.2 full"}`, "opptima.smtp.bounce", "WARN", "Rebote suave: 452 4.2.2 full"},
		{`{"type":"SMTP","event":"Bounce","to":"a@b.co"}`, "opptima.smtp.bounce", "WARN", "Bounce: a@b.co"},
		{`{"type":"SMTP","event":"delivered","status":"Entregado","to":"a@b.co"}`, "opptima.smtp.delivered", "INFO", "Entregado: a@b.co"},
		{`{"type":"Email marketing","event":"sent","to":"a@b.co"}`, "opptima.email_marketing.sent", "INFO", "sent: a@b.co"},
		{`{"type":"Email marketing","event":"click","email":"a@b.co","destination":"https://x.co"}`, "opptima.email_marketing.click", "INFO", "click: https://x.co"},
		{`{"type":"Email marketing","event":"unsubscribe","email":"a@b.co"}`, "opptima.email_marketing.unsubscribe", "INFO", "unsubscribe: a@b.co"},
		{`{"event":"open"}`, "opptima.unknown.open", "INFO", "open"},
	}
	for _, tt := range tests {
		t.Run(tt.eventName+"/"+tt.bodyText, func(t *testing.T) {
			logs, err := converter.ToLogs([]byte(tt.body), observedAt)
			require.NoError(t, err)
			rec := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
			assert.Equal(t, tt.eventName, rec.EventName())
			assert.Equal(t, tt.severity, rec.SeverityText())
			assert.Equal(t, tt.bodyText, rec.Body().Str())
		})
	}
}

func TestStringEscapes(t *testing.T) {
	converter := newTestConverter(t, false)
	body := `{"event":"sent","subject":"caf\u00e9 \"quoted\" \\ \/ \n\t \ud83d\ude80 lone \ud800 end","to":"\u0061@b.co"}`
	logs, err := converter.ToLogs([]byte(body), observedAt)
	require.NoError(t, err)
	attrs := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()
	subject, _ := attrs.Get(attrSubject)
	assert.Equal(t, "café \"quoted\" \\ / \n\t 🚀 lone \uFFFD end", subject.Str())
	to, _ := attrs.Get(AttrToAddress)
	assert.Equal(t, "a@b.co", to.Str())
}

// TestScannerAgreesWithEncodingJSON checks our strict reader accepts and
// refuses the same bodies as encoding/json.Valid.
func TestScannerAgreesWithEncodingJSON(t *testing.T) {
	bodies := []string{
		`{}`, `{"a":[1,2,{"b":null}],"c":true,"d":false,"e":-0.5e-3}`, `{"a":"\u00e9"}`,
		`{"a":1,}`, `{"a":01}`, `{"a":.5}`, `{"a":1.}`, `{"a":-}`, `{"a":tru}`, `{"a":nul}`,
		`{"a" 1}`, `{a:1}`, `{"a":"\x"}`, `{"a":"\u12"}`, `{"a":[1 2]}`, `{"a":[1,]}`, `{"a":1}}`,
		`{"a":"b"`, `{"a":1e}`, `{"a":1e+}`, `{"a":-01}`, `{"a":"tab	in string"}`,
	}
	for _, body := range bodies {
		s := &scanner{data: []byte(body)}
		s.skip()
		ours := s.err == nil && s.atEnd()
		assert.Equal(t, json.Valid([]byte(body)), ours, body)
	}
}

func TestOtherFieldKeyCacheIsBounded(t *testing.T) {
	for i := range maxCachedKeys + 100 {
		otherFieldKey([]byte("fieldNumber" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strconv.Itoa(i)))
	}
	long := []byte(strings.Repeat("y", maxCachedNameLength+1))
	assert.Equal(t, "opptima."+string(long), otherFieldKey(long))
	assert.Equal(t, "opptima.campaign_name", otherFieldKey([]byte("campaignName")))

	otherFieldKeys.RLock()
	size := len(otherFieldKeys.keys)
	_, cached := otherFieldKeys.keys[string(long)]
	otherFieldKeys.RUnlock()
	assert.LessOrEqual(t, size, maxCachedKeys)
	assert.False(t, cached, "long names are not cached")
}

// A name repeated inside a nested object or among the custom headers (once
// lower-cased) keeps every value, as at the top level.
func TestRepeatedNamesInsideObjectsKeepEveryValue(t *testing.T) {
	body := `{"event":"sent","x":{"a":1,"a":2,"a":3,"a_2":"literal"},"custom_headers":{"X-Id":"one","x-id":"two"}}`
	logs, err := newTestConverter(t, false).ToLogs([]byte(body), observedAt)
	require.NoError(t, err)
	attrs := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0).Attributes()

	nested, ok := attrs.Get("opptima.x")
	require.True(t, ok)
	assert.Equal(t, map[string]any{"a": int64(1), "a_2": int64(2), "a_3": int64(3), "a_2_2": "literal"}, nested.Map().AsRaw())
	for key, want := range map[string]string{"opptima.custom_headers.x-id": "one", "opptima.custom_headers.x-id_2": "two"} {
		got, ok := attrs.Get(key)
		if assert.True(t, ok, key) {
			assert.Equal(t, want, got.Str())
		}
	}
}

// An object that becomes a map may have up to maxObjectMembers members,
// whether it is the event, a nested value or the custom headers; one more
// refuses the whole body with a clear error.
func TestObjectWidthIsBounded(t *testing.T) {
	members := func(n int, prefix string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `"` + prefix + strconv.Itoa(i) + `":` + strconv.Itoa(i)
		}
		return strings.Join(parts, ",")
	}
	converter := newTestConverter(t, false)
	for name, build := range map[string]func(n int) string{
		"nested":  func(n int) string { return `{"event":"sent","x":{` + members(n, "k") + `}}` },
		"event":   func(n int) string { return `{"event":"sent",` + members(n-1, "k") + `}` },
		"headers": func(n int) string { return `{"event":"sent","custom_headers":{` + members(n, "h") + `}}` },
	} {
		t.Run(name, func(t *testing.T) {
			logs, err := converter.ToLogs([]byte(build(maxObjectMembers)), observedAt)
			require.NoError(t, err)
			assert.Equal(t, 1, logs.LogRecordCount())

			logs, err = converter.ToLogs([]byte(build(maxObjectMembers+1)), observedAt)
			require.ErrorIs(t, err, errTooManyMembers)
			assert.EqualError(t, err, "an object in the body has more than 256 members")
			assert.Zero(t, logs.LogRecordCount())
		})
	}
}
