// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
)

// adversarialCase is one hostile or odd request and the exact answer it gets.
type adversarialCase struct {
	name     string
	method   string            // default POST
	path     string            // appended to the server root; default the webhook path
	auth     []string          // Authorization headers; nil means one good key
	headers  map[string]string // more headers; Content-Type defaults to application/json
	body     []byte
	status   int
	answer   string // the exact JSON answer; "" to check only that it is JSON
	accepted int    // events that must reach the pipeline
}

const (
	answerUnauthorized = `{"error":"missing or invalid API key: send the header \"Authorization: Bearer \u003ckey\u003e\" with a configured key"}`
	answerNotPost      = `{"error":"only POST is accepted"}`
	answerNotFound     = `{"error":"not found: the Opptima webhook is served at POST /opptima"}`
	answerForm         = `{"error":"the body is form-encoded (application/x-www-form-urlencoded): Opptima webhooks are JSON; send the events as a JSON object or array with Content-Type: application/json"}`
	answerTooLarge     = `{"error":"body is larger than max_request_body_size (1048576 bytes)"}`
	answerEmpty        = `{"error":"body is empty: expected an event object or an array of them"}`
)

func answerMediaType(contentType string) string {
	return `{"error":"Content-Type must be application/json (or absent), not \"` + contentType + `\""}`
}

var goodEvent = `{"type":"SMTP","event":"bounce","to":"a@b.co","timestamp":"2020-10-05 17:40:54","status":"Rebote duro","response":"550 5.1.1 no"}`

func gzipped(t *testing.T, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(data)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func manyEvents(n int) []byte {
	return []byte("[" + strings.TrimSuffix(strings.Repeat(goodEvent+",", n), ",") + "]")
}

func adversarialCases(t *testing.T) []adversarialCase {
	good := []byte(goodEvent)
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	// 100,000 members: mapped, it would cost pdata 10^10 key comparisons.
	wide := `{"event":"bounce","x":{` + strings.TrimSuffix(strings.Repeat(`"k":0,`, 100000), ",") + `}}`
	answerWide := `{"error":"an object in the body has more than 256 members"}`
	return []adversarialCase{
		// Authentication.
		{name: "auth: good key", body: good, status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "auth: missing", auth: []string{}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: empty header", auth: []string{""}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: scheme only", auth: []string{"Bearer"}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: scheme and spaces", auth: []string{"Bearer    "}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: other scheme", auth: []string{"Token " + testKey}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: basic", auth: []string{"Basic " + base64.StdEncoding.EncodeToString([]byte("user:"+testKey))}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: scheme in lower case", auth: []string{"bearer " + testKey}, body: good, status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "auth: extra spaces before the key", auth: []string{"Bearer    " + testKey}, body: good, status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "auth: trailing space (HTTP trims it)", auth: []string{"Bearer " + testKey + " "}, body: good, status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "auth: key with a prefix", auth: []string{"Bearer x" + testKey}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: key with a suffix", auth: []string{"Bearer " + testKey + "x"}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: key cut short", auth: []string{"Bearer " + testKey[:5]}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: key in the query string", auth: []string{}, path: "/opptima?api_key=" + testKey, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: 64 KiB header", auth: []string{"Bearer " + strings.Repeat("k", 64<<10)}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: second Authorization header", auth: []string{"Bearer " + testKey, "Bearer other"}, body: good, status: 401, answer: answerUnauthorized},
		{name: "auth: same key twice", auth: []string{"Bearer " + testKey, "Bearer " + testKey}, body: good, status: 401, answer: answerUnauthorized},

		// Methods and paths.
		{name: "method: GET", method: "GET", status: 405, answer: answerNotPost},
		{name: "method: PUT", method: "PUT", body: good, status: 405, answer: answerNotPost},
		{name: "method: DELETE", method: "DELETE", status: 405, answer: answerNotPost},
		{name: "method: PATCH", method: "PATCH", body: good, status: 405, answer: answerNotPost},
		{name: "method: OPTIONS", method: "OPTIONS", status: 405, answer: answerNotPost},
		{name: "path: other", path: "/webhook", body: good, status: 404, answer: answerNotFound},
		{name: "path: trailing slash", path: "/opptima/", body: good, status: 404, answer: answerNotFound},
		{name: "path: other case", path: "/OPPTIMA", body: good, status: 404, answer: answerNotFound},
		{name: "path: root", path: "/", body: good, status: 404, answer: answerNotFound},

		// Content types.
		{name: "type: absent", headers: map[string]string{"Content-Type": ""}, body: good, status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "type: json with charset", headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}, body: good, status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "type: text/plain", headers: map[string]string{"Content-Type": "text/plain"}, body: good, status: 415, answer: answerMediaType("text/plain")},
		{name: "type: form", headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: good, status: 415, answer: answerForm},
		{name: "type: xml", headers: map[string]string{"Content-Type": "application/xml"}, body: good, status: 415, answer: answerMediaType("application/xml")},
		{name: "type: json lookalike", headers: map[string]string{"Content-Type": "application/merge-patch+json"}, body: good, status: 415, answer: answerMediaType("application/merge-patch+json")},
		{name: "type: unparseable", headers: map[string]string{"Content-Type": ";;;"}, body: good, status: 415, answer: answerMediaType(";;;")},

		// Compression.
		{name: "gzip: good", headers: map[string]string{"Content-Encoding": "gzip"}, body: gzipped(t, good), status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "gzip: bomb past the body limit", headers: map[string]string{"Content-Encoding": "gzip"}, body: gzipped(t, []byte(`{"event":"bounce","subject":"`+strings.Repeat("A", 2<<20)+`"}`)), status: 413},
		{name: "gzip: not gzip", headers: map[string]string{"Content-Encoding": "gzip"}, body: good, status: 400},
		{name: "encoding: unknown", headers: map[string]string{"Content-Encoding": "br"}, body: good, status: 400, answer: `{"error":"unsupported Content-Encoding: br"}`},
		{name: "body over the 1 MiB limit", body: []byte(`{"event":"bounce","subject":"` + strings.Repeat("A", 1<<20) + `"}`), status: 413, answer: answerTooLarge},

		// Bodies.
		{name: "body: empty", body: nil, status: 400, answer: answerEmpty},
		{name: "body: white space", body: []byte(" \r\n\t "), status: 400, answer: answerEmpty},
		{name: "body: null", body: []byte("null"), status: 400, answer: `{"error":"body is null: expected an event object or an array of them"}`},
		{name: "body: a number", body: []byte("42"), status: 400, answer: `{"error":"body is a number: expected an event object or an array of them"}`},
		{name: "body: a string", body: []byte(`"bounce"`), status: 400, answer: `{"error":"body is a string: expected an event object or an array of them"}`},
		{name: "body: true", body: []byte(`true`), status: 400, answer: `{"error":"body is a boolean: expected an event object or an array of them"}`},
		{name: "body: garbage", body: []byte(`<xml/>`), status: 400, answer: `{"error":"body is not JSON (it starts \"\u003cxml/\u003e\"): send the events as a JSON object or array"}`},
		{name: "body: byte order mark", body: append([]byte("\xef\xbb\xbf"), good...), status: 400, answer: `{"error":"body starts with a byte order mark (U+FEFF): send the JSON without it"}`},
		{name: "body: empty array", body: []byte(`[]`), status: 400, answer: `{"error":"the array holds no events"}`},
		{name: "body: nested arrays", body: []byte(`[[` + goodEvent + `]]`), status: 400, answer: `{"error":"element 0 of the array is an array, not an event object"}`},
		{name: "body: array with a non-object", body: []byte(`[` + goodEvent + `,"x",` + goodEvent + `]`), status: 400, answer: `{"error":"element 1 of the array is a string, not an event object"}`},
		{name: "body: one event without kind", body: []byte(`[` + goodEvent + `,{"type":"SMTP"}]`), status: 400, answer: `{"error":"event 1: \"event\" is missing or empty: not an Opptima event"}`},
		{name: "body: truncated", body: []byte(goodEvent[:40]), status: 400},
		{name: "body: trailing garbage", body: []byte(goodEvent + "}"), status: 400, answer: `{"error":"body is not valid JSON: unexpected data after the top-level value"}`},
		{name: "body: two objects", body: []byte(goodEvent + goodEvent), status: 400, answer: `{"error":"body is not valid JSON: unexpected data after the top-level value"}`},
		{name: "body: 100,000-level nesting", body: []byte(deep), status: 400, answer: `{"error":"body is not valid JSON: JSON nested deeper than 512 levels"}`},
		{name: "body: nesting inside an event", body: []byte(`{"event":"bounce","x":` + deep + `}`), status: 400, answer: `{"error":"body is not valid JSON: JSON nested deeper than 512 levels"}`},
		{name: "body: a 100,000-member object inside an event", body: []byte(wide), status: 400, answer: answerWide},
		{name: "body: a 100,000-member event", body: []byte(`{"event":"bounce",` + wide[1:]), status: 400, answer: answerWide},
		{name: "body: 100,000 custom headers", body: []byte(strings.Replace(wide, `"x":`, `"custom_headers":`, 1)), status: 400, answer: answerWide},
		{name: "body: invalid UTF-8", body: []byte("{\"event\":\"bounce\",\"to\":\"\xc3\x28\"}"), status: 400, answer: `{"error":"body is not valid UTF-8"}`},
		{name: "body: raw NUL in a string", body: []byte("{\"event\":\"bounce\",\"to\":\"a\x00b\"}"), status: 400},
		{name: "body: NUL outside strings", body: []byte("{\"event\":\"bounce\"}\x00"), status: 400},
		{name: "body: escaped NUL", body: []byte(`{"event":"bounce","to":"a\u0000b"}`), status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "body: duplicate keys", body: []byte(`{"event":"bounce","event":"delivered","to":"a@b.co"}`), status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "body: 1e400", body: []byte(`{"event":"bounce","score":1e400}`), status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "body: relid as an object", body: []byte(`{"event":"bounce","relid":{"a":[1,2]}}`), status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "body: event as a number", body: []byte(`{"type":"SMTP","event":7}`), status: 400, answer: `{"error":"\"event\" is a number, not text: send the event's kind, such as \"bounce\" or \"delivered\""}`},
		{name: "body: garbage timestamp", body: []byte(`{"event":"bounce","timestamp":"the day before yesterday"}`), status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "body: far-future timestamp", body: []byte(`{"event":"bounce","timestamp":"9999-12-31 23:59:59"}`), status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "body: a string just under the 1 MiB limit", body: []byte(`{"event":"bounce","subject":"` + strings.Repeat("s", 1<<20-100) + `"}`), status: 200, answer: `{"accepted":1}`, accepted: 1},
		{name: "body: 7,000 events", body: manyEvents(7000), status: 200, answer: `{"accepted":7000}`, accepted: 7000},
		{name: "body: 10,000 events, past the 1 MiB limit", body: manyEvents(10000), status: 413, answer: answerTooLarge},
	}
}

// TestAdversarialRequests sends every case through the real server, checks
// the exact answer and what reached the pipeline, then checks the server
// still serves a good request. goleak (generated_package_test.go) checks no
// goroutine outlives the tests.
func TestAdversarialRequests(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, nil).url
	root := strings.TrimSuffix(url, "/opptima")
	cases := adversarialCases(t)
	require.GreaterOrEqual(t, len(cases), 50)

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := sink.LogRecordCount()
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			target := url
			if tc.path != "" {
				target = root + tc.path
			}
			req, err := http.NewRequest(method, target, bytes.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			for k, v := range tc.headers {
				req.Header.Set(k, v)
				if v == "" {
					req.Header.Del(k)
				}
			}
			auth := tc.auth
			if auth == nil {
				auth = []string{"Bearer " + testKey}
			}
			for _, a := range auth {
				req.Header.Add("Authorization", a)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			answer, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			resp.Body.Close()

			assert.Equal(t, tc.status, resp.StatusCode, "answer: %.300s", answer)
			if tc.answer != "" {
				assert.JSONEq(t, tc.answer, string(answer))
			} else {
				assert.True(t, json.Valid(answer), "answer is JSON: %.300s", answer)
			}
			if tc.status == http.StatusUnauthorized {
				assert.Equal(t, "Bearer", resp.Header.Get("WWW-Authenticate"))
			}
			assert.Equal(t, tc.accepted, sink.LogRecordCount()-before, "events passed on")
		})
	}

	a := send(t, http.MethodPost, url, []byte(goodEvent), bearer(testKey))
	assert.Equal(t, http.StatusOK, a.status, "the server still answers a good request")
}
