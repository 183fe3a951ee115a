// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptima

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addFixtureSeeds seeds a fuzz target with every payload fixture.
func addFixtureSeeds(f *testing.F) {
	payloads, _ := filepath.Glob(filepath.Join(payloadDir, "*.json"))
	for _, p := range payloads {
		body, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
}

// FuzzToLogs feeds arbitrary bodies to the decoder and mapper, seeded with
// every fixture. Whatever the input: no panic; a body we accept is valid
// JSON (our scanner is never laxer than encoding/json); every record has an
// event name and a uid; a refusal leaves nothing behind.
func FuzzToLogs(f *testing.F) {
	addFixtureSeeds(f)
	for _, seed := range []string{"", "[]", "{}", `[{"event":"bounce"},1]`, `{"event":"bounce","to":"\ud800"}`, `{"event":"x","a":1e400}`} {
		f.Add([]byte(seed))
	}
	converter := newTestConverter(f, true)
	f.Fuzz(func(t *testing.T, body []byte) {
		logs, err := converter.ToLogs(body, observedAt)
		if err != nil {
			if logs.LogRecordCount() != 0 {
				t.Fatalf("refused body left %d records", logs.LogRecordCount())
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted a body encoding/json calls invalid: %q", body)
		}
		records := logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
		if records.Len() == 0 {
			t.Fatal("accepted a body with no events")
		}
		for i := 0; i < records.Len(); i++ {
			rec := records.At(i)
			if !strings.HasPrefix(rec.EventName(), "opptima.") {
				t.Fatalf("record %d has event name %q", i, rec.EventName())
			}
			if uid, ok := rec.Attributes().Get(attrRecordUID); !ok || len(uid.Str()) != 32 {
				t.Fatalf("record %d has no uid", i)
			}
		}
	})
}
