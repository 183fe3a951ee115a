package examples

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrometheusCountsAndAlerts runs examples/bounce-rate.yaml in the built
// Collector and a real Prometheus scraping it every second with the alert
// rules loaded (a copy with short "for:"), then sends what real traffic
// has: 5,000 events from 64 connections stamped with the current Bogota
// time, a burst of 500 sharing one timestamp, 200 stamped two hours ago.
// Prometheus must hold exactly what was acknowledged, in total, by event
// kind and by bounce category; a calm load raises no alert; a bounce spike
// fires the bounce-rate alert.
func TestPrometheusCountsAndAlerts(t *testing.T) {
	promBin := binary(t, "PROMETHEUS_BIN")
	metricsAddr, promAddr := freeAddr(t), freeAddr(t)
	col := startCollector(t, "bounce-rate.yaml", map[string]string{
		"PROMETHEUS_ENDPOINT": metricsAddr, "OPPTIMA_METRICS_INTERVAL": "2s",
	})
	prom := startPrometheus(t, promBin, promAddr, metricsAddr)

	sender := &countingSender{url: col.webhook}
	bogota := time.FixedZone("COT", -5*3600)
	now := func() string { return time.Now().In(bogota).Format(time.DateTime) }
	domains := []string{"gmail.com", "hotmail.com", "outlook.com", "tienda.example.co", "une.net.co"}

	// The calm load: 1 bounce in 100, all for addresses that do not exist.
	calm := make([]string, 0, 5700)
	for i := range 5000 {
		calm = append(calm, testEvent(i, i%100 == 0, domains[i%len(domains)], now(), userUnknown))
	}
	sharedSecond := now()
	for i := range 500 {
		calm = append(calm, testEvent(5000+i, i%100 == 0, domains[i%len(domains)], sharedSecond, userUnknown))
	}
	twoHoursAgo := time.Now().Add(-2 * time.Hour).In(bogota).Format(time.DateTime)
	for i := range 200 {
		calm = append(calm, testEvent(5500+i, i%100 == 0, domains[i%len(domains)], twoHoursAgo, userUnknown))
	}
	sender.send(t, calm, 64)
	require.Equal(t, int64(5700), sender.acknowledged.Load())

	want := sender.expected()
	prom.eventuallyEquals(t, "sum(opptima_events_total)", nil, want.total)
	prom.eventuallyEquals(t, "sum by (opptima_event) (opptima_events_total)", []string{"opptima_event"}, want.byEvent)
	prom.eventuallyEquals(t, "sum by (opptima_bounce_category) (opptima_events_total{opptima_event=\"bounce\"})", []string{"opptima_bounce_category"}, want.byCategory)

	// Several evaluations of the rules over the calm counts: nothing pending,
	// nothing firing.
	time.Sleep(6 * time.Second)
	assert.Empty(t, prom.alerts(t), "a calm 1% bounce rate raises no alert")

	// The spike: 1,000 bounces for a blocked sending IP.
	spike := make([]string, 0, 1000)
	for i := range 1000 {
		spike = append(spike, testEvent(10_000+i, true, domains[i%len(domains)], now(), blockList))
	}
	sender.send(t, spike, 16)
	want = sender.expected()
	prom.eventuallyEquals(t, "sum(opptima_events_total)", nil, want.total)
	prom.eventuallyEquals(t, "sum by (opptima_bounce_category) (opptima_events_total{opptima_event=\"bounce\"})", []string{"opptima_bounce_category"}, want.byCategory)
	eventually(t, 60*time.Second, func() error {
		alerts := prom.alerts(t)
		if alerts["OpptimaBounceRateHigh"] != "firing" {
			ratio, _ := prom.query(t, "opptima:bounce_ratio:rate5m", nil)
			outcomes, _ := prom.query(t, "opptima:outcomes:rate5m", nil)
			bounces, _ := prom.query(t, "opptima:bounces:rate5m", nil)
			return fmt.Errorf("OpptimaBounceRateHigh is not firing: %v (ratio %v, outcomes/s %v, bounces/s %v)", alerts, ratio, outcomes, bounces)
		}
		return nil
	})
	t.Logf("acknowledged %d events (%d answered other than 200 and resent); alerts after the spike: %v",
		sender.acknowledged.Load(), sender.resent.Load(), prom.alerts(t))
}

const (
	userUnknown = "550 5.1.1 The email account that you tried to reach does not exist."
	blockList   = "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"
)

func testEvent(relid int, isBounce bool, domain, stamp, reply string) string {
	if isBounce {
		return fmt.Sprintf(`{"type":"SMTP","event":"bounce","relid":%d,"to":"u%d@%s","timestamp":%q,"status":"Rebote duro","response":%q}`, relid, relid, domain, stamp, reply)
	}
	return fmt.Sprintf(`{"type":"SMTP","event":"delivered","relid":%d,"to":"u%d@%s","timestamp":%q,"status":"Entregado","response":"250 OK"}`, relid, relid, domain, stamp)
}

// countingSender sends events one per request from many connections,
// resending until each is answered 200, and keeps what was acknowledged.
type countingSender struct {
	url          string
	mu           sync.Mutex
	sent         []string // acknowledged events
	acknowledged atomic.Int64
	resent       atomic.Int64
}

func (s *countingSender) send(t *testing.T, events []string, connections int) {
	t.Helper()
	next := make(chan string)
	go func() {
		defer close(next)
		for _, e := range events {
			next <- e
		}
	}()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: connections}}
	deadline := time.Now().Add(2 * time.Minute)
	var wg sync.WaitGroup
	for range connections {
		wg.Go(func() {
			for event := range next {
				for {
					if time.Now().After(deadline) {
						t.Errorf("not acknowledged within 2 minutes: %s", event)
						return
					}
					req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader(event))
					req.Header.Set("Authorization", "Bearer "+testAPIKey)
					resp, err := client.Do(req)
					if err == nil {
						resp.Body.Close()
						if resp.StatusCode == http.StatusOK {
							break
						}
					}
					s.resent.Add(1)
					time.Sleep(50 * time.Millisecond)
				}
				s.mu.Lock()
				s.sent = append(s.sent, event)
				s.mu.Unlock()
				s.acknowledged.Add(1)
			}
		})
	}
	wg.Wait()
}

type expectedCounts struct {
	total      map[string]float64
	byEvent    map[string]float64
	byCategory map[string]float64
}

// expected is what Prometheus must hold for the acknowledged events.
func (s *countingSender) expected() expectedCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := expectedCounts{total: map[string]float64{}, byEvent: map[string]float64{}, byCategory: map[string]float64{}}
	for _, event := range s.sent {
		e.total[""]++
		if strings.Contains(event, `"event":"bounce"`) {
			e.byEvent["bounce"]++
			category := "invalid_address"
			if strings.Contains(event, "spamhaus") {
				category = "reputation"
			}
			e.byCategory[category]++
		} else {
			e.byEvent["delivered"]++
		}
	}
	return e
}

// prometheus is a running Prometheus server.
type prometheus struct {
	*process
	api string
}

// startPrometheus runs Prometheus scraping the Collector's exporter every
// second, with a copy of the alert rules whose "for:" is 3 s, evaluated
// every second.
func startPrometheus(t *testing.T, bin, addr, target string) *prometheus {
	t.Helper()
	dir := t.TempDir()
	rules, err := os.ReadFile(filepath.Join("alerts", "bounce-rate.rules.yml"))
	require.NoError(t, err)
	shortFor := regexp.MustCompile(`(?m)^(\s+for:) \d+m$`).ReplaceAllString(string(rules), "$1 3s")
	require.NotEqual(t, string(rules), shortFor)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "rules.yml"), []byte(shortFor), 0o600))
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q]
scrape_configs:
  - job_name: otelcol-opptima
    static_configs:
      - targets: [%q]
`, filepath.Join(dir, "rules.yml"), target)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o600))
	p := startProcess(t, bin, nil,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr)
	p.waitHTTP(t, "http://"+addr+"/-/ready")
	return &prometheus{process: p, api: "http://" + addr + "/api/v1/"}
}

func (p *prometheus) get(t *testing.T, path string, out any) error {
	resp, err := http.Get(p.api + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// query returns the instant vector of a PromQL expression, keyed by the
// values of the given labels joined with ",".
func (p *prometheus) query(t *testing.T, expr string, by []string) (map[string]float64, error) {
	var answer struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := p.get(t, "query?query="+url.QueryEscape(expr), &answer); err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, r := range answer.Data.Result {
		var key []string
		for _, label := range by {
			key = append(key, r.Metric[label])
		}
		v, err := strconv.ParseFloat(fmt.Sprint(r.Value[1]), 64)
		if err != nil {
			return nil, err
		}
		out[strings.Join(key, ",")] = v
	}
	return out, nil
}

func (p *prometheus) eventuallyEquals(t *testing.T, expr string, by []string, want map[string]float64) {
	t.Helper()
	eventually(t, 60*time.Second, func() error {
		got, err := p.query(t, expr, by)
		if err != nil {
			return err
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("%s = %v, want %v", expr, got, want)
		}
		return nil
	})
}

// alerts returns the state of every pending or firing alert by name.
func (p *prometheus) alerts(t *testing.T) map[string]string {
	t.Helper()
	var answer struct {
		Data struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
				State  string            `json:"state"`
			} `json:"alerts"`
		} `json:"data"`
	}
	require.NoError(t, p.get(t, "alerts", &answer))
	out := map[string]string{}
	for _, a := range answer.Data.Alerts {
		name := a.Labels["alertname"]
		if out[name] != "firing" {
			out[name] = a.State
		}
	}
	return out
}
