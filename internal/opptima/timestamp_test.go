// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTimestampReadsColombianTime(t *testing.T) {
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	got, ok := parseTimestamp([]byte("2020-10-05 17:40:54"), bogota)
	require.True(t, ok)
	assert.Equal(t, "2020-10-05T22:40:54Z", got.Format(time.RFC3339))

	got, ok = parseTimestamp([]byte("2022-07-22T01:35:33.268Z"), bogota)
	require.True(t, ok, "an explicit offset is honoured")
	assert.Equal(t, "2022-07-22T01:35:33.268Z", got.Format(time.RFC3339Nano))
}

// TestParseTimestampReadsNearForms: every form the README lists, in
// Opptima's wall time (UTC-5) unless it says its own zone.
func TestParseTimestampReadsNearForms(t *testing.T) {
	bogota, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	for text, want := range map[string]string{
		"2020-10-05 17:40:54":        "2020-10-05T22:40:54Z",
		"2020-10-05T17:40:54":        "2020-10-05T22:40:54Z",
		"2020-10-05 17:40:54.123":    "2020-10-05T22:40:54.123Z",
		"2020-10-05T17:40:54.123456": "2020-10-05T22:40:54.123456Z",
		"2020-10-05 17:40":           "2020-10-05T22:40:00Z",
		"2020-10-05T17:40":           "2020-10-05T22:40:00Z",
		"05/10/2020 17:40":           "2020-10-05T22:40:00Z",
		"5/10/2020 17:40:54":         "2020-10-05T22:40:54Z",
		" 2020-10-05 17:40:54 ":      "2020-10-05T22:40:54Z",
		"2020-10-05T22:40:54Z":       "2020-10-05T22:40:54Z",
		"2020-10-05T17:40:54-05:00":  "2020-10-05T22:40:54Z",
		"2020-10-05 19:40:54+02:00":  "2020-10-05T17:40:54Z",
		"2020-10-05 17:40:54-0500":   "2020-10-05T22:40:54Z",
		"2020-10-05 17:40:54 -05:00": "2020-10-05T22:40:54Z",
		"2020-10-05 22:40:54 UTC":    "2020-10-05T22:40:54Z",
		"2020-10-05 22:40:54.5 GMT":  "2020-10-05T22:40:54.5Z",
		"2022-07-22T01:35:33.268Z":   "2022-07-22T01:35:33.268Z",
		"1601937654":                 "2020-10-05T22:40:54Z",
		"1601937654.25":              "2020-10-05T22:40:54.25Z",
		"1601937654123":              "2020-10-05T22:40:54.123Z",
	} {
		got, ok := parseTimestamp([]byte(text), bogota)
		if assert.True(t, ok, "%q is read", text) {
			assert.Equal(t, want, got.Format(time.RFC3339Nano), text)
		}
	}
}

func TestParseTimestampRefusesWhatItCannotRead(t *testing.T) {
	for _, text := range []string{
		"", "yesterday", "05/10/2020 5:40 PM", "2020-13-45 99:00:00", "9999-12-31 23:59:59", "1969-12-31 18:59:59",
		"2021-02-29 10:00:00", "2020-10-05 24:00:00", "2020-10-05 17:40:54 COT", "20201005174054", "-1601937654",
		"1.6e9", "123", "2020-10-05", "0x5f7ba1f6",
	} {
		_, ok := parseTimestamp([]byte(text), time.UTC)
		assert.False(t, ok, text)
	}
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"campaignName":  "campaign_name",
		"contactId":     "contact_id",
		"device_type":   "device_type",
		"msgID":         "msg_id",
		"HTTPServer":    "http_server",
		"X-Tracking-ID": "x_tracking_id",
		"Type":          "type",
		"a.b c":         "a_b_c",
		"---":           "field",
		"ciudadNombre":  "ciudad_nombre",
		"año":           "año",
	} {
		assert.Equal(t, "opptima."+want, buildOtherFieldKey([]byte(in)), in)
	}
}

// TestEveryRecordHasATime: a readable time (text or epoch number) is the
// record's time; an unreadable one keeps its value in opptima.timestamp,
// the record gets the arrival time and OnUnreadableTime is told; a missing
// one gets the arrival time silently.
func TestEveryRecordHasATime(t *testing.T) {
	loc, err := time.LoadLocation("America/Bogota")
	require.NoError(t, err)
	var told []UnreadableTime
	converter := NewConverter(Options{Location: loc, OnUnreadableTime: func(u UnreadableTime) { told = append(told, u) }})
	cases := []struct {
		timestamp  string // the JSON value, "" for none
		want       time.Time
		kept       any // opptima.timestamp, nil for none
		unreadable bool
	}{
		{`"2020-10-05 17:40:54"`, time.Date(2020, 10, 5, 22, 40, 54, 0, time.UTC), nil, false},
		{`1601937654`, time.Date(2020, 10, 5, 22, 40, 54, 0, time.UTC), nil, false},
		{`1601937654123`, time.Date(2020, 10, 5, 22, 40, 54, 123e6, time.UTC), nil, false},
		{`1601937654.5`, time.Date(2020, 10, 5, 22, 40, 54, 5e8, time.UTC), nil, false},
		{`"mañana"`, observedAt, "mañana", true},
		{`42`, observedAt, int64(42), true},
		{`{"t":1}`, observedAt, map[string]any{"t": int64(1)}, true},
		{``, observedAt, nil, false},
	}
	for _, c := range cases {
		told = nil
		body := `{"event":"bounce","relid":7,"msgid":"m-1"}`
		if c.timestamp != "" {
			body = `{"event":"bounce","relid":7,"msgid":"m-1","timestamp":` + c.timestamp + `}`
		}
		logs, err := converter.ToLogs([]byte(body), observedAt)
		require.NoError(t, err, body)
		rec := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords().At(0)
		assert.Equal(t, c.want, rec.Timestamp().AsTime(), body)
		kept, ok := rec.Attributes().Get("opptima.timestamp")
		if c.kept == nil {
			assert.False(t, ok, "%s: no opptima.timestamp", body)
		} else if assert.True(t, ok, body) {
			assert.Equal(t, c.kept, kept.AsRaw(), body)
		}
		assert.Equal(t, c.unreadable, len(told) == 1, "%s: OnUnreadableTime told %v", body, told)
		if len(told) == 1 {
			uid, _ := rec.Attributes().Get("log.record.uid")
			assert.Equal(t, UnreadableTime{Value: kept.AsString(), RelID: "7", MessageID: "m-1", UID: uid.Str()}, told[0], "which event, by its ids")
		}
	}
}
