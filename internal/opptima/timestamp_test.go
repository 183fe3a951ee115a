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

func TestParseTimestampRefusesWhatItCannotRepresent(t *testing.T) {
	for _, text := range []string{"", "yesterday", "05/10/2020 17:40", "2020-13-45 99:00:00", "9999-12-31 23:59:59", "1969-12-31 18:59:59", "2021-02-29 10:00:00", "2020-10-05 24:00:00", "2020-10-05T17:40:54"} {
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
