package receiver

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
)

// FuzzHTTPHandler posts arbitrary bodies through the real server, seeded
// with every fixture. Whatever the body: the answer is 200, 400 or 413 and
// is JSON; a refused body passes nothing on; a 200 passes on exactly the
// number of events it announces.
func FuzzHTTPHandler(f *testing.F) {
	payloads, _ := filepath.Glob(filepath.Join("..", "testdata", "payloads", "*.json"))
	for _, p := range payloads {
		body, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Add([]byte(`[{"event":"bounce"},{"event":"sent"}]`))
	f.Add([]byte("{\"event\":\"\xff\"}"))

	sink := new(consumertest.LogsSink)
	url := startServer(f, sink, nil)
	transport := &http.Transport{}
	f.Cleanup(transport.CloseIdleConnections)
	client := &http.Client{Transport: transport}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := sink.LogRecordCount()
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+testKey)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		var parsed struct {
			Accepted int    `json:"accepted"`
			Error    string `json:"error"`
		}
		if err := json.Unmarshal(answer, &parsed); err != nil {
			t.Fatalf("answer is not JSON: %q", answer)
		}
		passed := sink.LogRecordCount() - before
		switch resp.StatusCode {
		case http.StatusOK:
			if parsed.Accepted < 1 || parsed.Accepted != passed {
				t.Fatalf("200 announced %d events, %d passed on", parsed.Accepted, passed)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if passed != 0 || parsed.Error == "" {
				t.Fatalf("%d passed %d events on, error %q", resp.StatusCode, passed, parsed.Error)
			}
		default:
			t.Fatalf("unexpected status %d: %s", resp.StatusCode, answer)
		}
	})
}
