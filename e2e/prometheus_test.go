// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProductionAlertingEndToEnd runs the path users deploy, from webhook to
// page: examples/production.yaml in the built Collector (with an account
// added by a second --config, as a user would), a real Prometheus scraping
// both its metrics ports every second with the alert rules loaded (a copy
// whose "for:" minutes are seconds), and Alertmanager with
// alerts/alertmanager.yml (its webhooks pointed at a local receiver, its
// group_wait shortened). The traffic is what real traffic has: 5,000
// events from 64 connections stamped with the current Bogota time, a burst
// of 500 sharing one timestamp, 200 stamped two hours ago, two keys.
//   - Prometheus holds exactly what was acknowledged, in total, by kind, by
//     bounce category and by account;
//   - after the rules were evaluated over it, the calm load has no alert
//     pending or firing and no notification was sent;
//   - 600 reputation bounces at yahoo.com from one account page, with the
//     domain and category; the account's ticket names the account;
//     yahoo.com's bounce-rate ticket is held back by its block, while the
//     overall pages are not held back by a block at one domain;
//   - every panel query of the dashboard returns data.
func TestProductionAlertingEndToEnd(t *testing.T) {
	promBin := binary(t, "PROMETHEUS_BIN")
	amBin := binary(t, "ALERTMANAGER_BIN")
	vlogs := startVictoriaLogs(t)
	metricsAddr, promAddr := freeAddr(t), freeAddr(t)
	env := productionEnv(t, vlogs, t.TempDir(), map[string]string{
		"PROMETHEUS_ENDPOINT": metricsAddr, "OPPTIMA_METRICS_INTERVAL": "2s", "SERVICE_INSTANCE_ID": "otelcol-opptima-0",
	})
	const accountKey = "e2e-account-key-3b9a41c7"
	col := startCollectorOn(t, "production.yaml", freeAddr(t), freeAddr(t), env,
		"--config", `yaml:receivers::opptima::accounts: [{name: tienda-co, api_keys: [`+accountKey+`]}]`)
	notifications := startWebhookRecorder(t)
	am := startAlertmanager(t, amBin, notifications.url)
	prom := startPrometheus(t, promBin, promAddr, am.addr, map[string]string{
		"otelcol-opptima-counters":  metricsAddr,
		"otelcol-opptima-telemetry": "127.0.0.1:" + env["TELEMETRY_PORT"],
	})

	sender := &countingSender{url: col.webhook, keys: map[string]string{"": testAPIKey, "tienda-co": accountKey}}
	bogota := time.FixedZone("COT", -5*3600)
	now := func() string { return time.Now().In(bogota).Format(time.DateTime) }
	domains := []string{"gmail.com", "hotmail.com", "outlook.com", "tienda.example.co", "une.net.co"}
	accountOf := func(i int) string { return []string{"", "tienda-co"}[i%2] }

	// The calm load: 1 bounce in 100, all for addresses that do not exist.
	calm := make([]sentEvent, 0, 5700)
	for i := range 5000 {
		calm = append(calm, sentEvent{testEvent(i, i%100 == 0, domains[i%len(domains)], now(), userUnknown), accountOf(i)})
	}
	sharedSecond := now()
	for i := range 500 {
		calm = append(calm, sentEvent{testEvent(5000+i, i%100 == 0, domains[i%len(domains)], sharedSecond, userUnknown), accountOf(i)})
	}
	twoHoursAgo := time.Now().Add(-2 * time.Hour).In(bogota).Format(time.DateTime)
	for i := range 200 {
		calm = append(calm, sentEvent{testEvent(5500+i, i%100 == 0, domains[i%len(domains)], twoHoursAgo, userUnknown), accountOf(i)})
	}
	sender.send(t, calm, 64)
	require.Equal(t, int64(5700), sender.acknowledged.Load())
	prom.eventuallyHolds(t, sender.expected())

	// Every rule evaluated over the calm counts: nothing pending or firing,
	// nothing notified.
	prom.waitForEvaluation(t, time.Now())
	promAlerts, err := prom.alerts()
	require.NoError(t, err)
	assert.Empty(t, promAlerts, "a calm 1% bounce rate raises no alert")
	amAlerts, err := am.alerts()
	require.NoError(t, err)
	assert.Empty(t, amAlerts, "Alertmanager holds no alert")
	assert.Empty(t, notifications.received(), "no notification for a calm load")

	// The incident: yahoo.com refuses the sending IP for one account.
	spike := make([]sentEvent, 0, 600)
	for i := range 600 {
		spike = append(spike, sentEvent{testEvent(10_000+i, true, "yahoo.com", now(), blockList), "tienda-co"})
	}
	sender.send(t, spike, 16)
	prom.eventuallyHolds(t, sender.expected())

	page := notifications.waitFor(t, "pages", "OpptimaDomainReputationBlocks")
	assert.Equal(t, "yahoo.com", page["email_to_domain"])
	assert.Equal(t, "reputation", page["opptima_bounce_category"])
	ticket := notifications.waitFor(t, "tickets", "OpptimaAccountBounceRateHigh")
	assert.Equal(t, "tienda-co", ticket["opptima_account"])
	// yahoo.com's block explains its bounce-rate ticket; the overall pages
	// stand (they join the incident's page notification).
	am.waitForSuppressed(t, "OpptimaDomainBounceRateHigh")
	am.waitForActive(t, "OpptimaBounceRateHigh")
	am.waitForActive(t, "OpptimaReputationBlocks")
	for _, n := range notifications.received() {
		assert.NotEqual(t, "OpptimaDomainBounceRateHigh", n.labels["alertname"], "a held-back ticket was notified")
	}

	checkDashboardQueries(t, prom)
	t.Logf("acknowledged %d events (%d answered other than 200 and resent); notifications: %v",
		sender.acknowledged.Load(), sender.resent.Load(), notifications.received())
}

// checkDashboardQueries evaluates every panel query of the committed
// dashboard: each returns data.
func checkDashboardQueries(t *testing.T, prom *prometheus) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "deploy", "dashboard", "opptima-bounces.json"))
	require.NoError(t, err)
	var board struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal(data, &board))
	var queries int
	for _, panel := range board.Panels {
		for _, target := range panel.Targets {
			queries++
			eventually(t, 30*time.Second, func() error {
				got, err := prom.query(target.Expr, nil)
				if err != nil {
					return err
				}
				if len(got) == 0 {
					return fmt.Errorf("panel %q: %s returns no data", panel.Title, target.Expr)
				}
				return nil
			})
		}
	}
	require.GreaterOrEqual(t, queries, 8, "the dashboard's queries were found")
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

// sentEvent is one webhook body and the account whose key sends it ("" for
// the top-level api_keys).
type sentEvent struct {
	body, account string
}

// countingSender sends events one per request from many connections,
// resending until each is answered 200, and keeps what was acknowledged.
type countingSender struct {
	url          string
	keys         map[string]string // account -> key
	mu           sync.Mutex
	sent         []sentEvent // acknowledged events
	acknowledged atomic.Int64
	resent       atomic.Int64
}

func (s *countingSender) send(t *testing.T, events []sentEvent, connections int) {
	t.Helper()
	next := make(chan sentEvent)
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
						t.Errorf("not acknowledged within 2 minutes: %s", event.body)
						return
					}
					req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader(event.body))
					req.Header.Set("Authorization", "Bearer "+s.keys[event.account])
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

// expectedCounts is what Prometheus must hold: for each query, its result
// keyed by the labels it groups by.
type expectedCounts []expectedQuery

type expectedQuery struct {
	expr string
	by   []string
	want map[string]float64
}

// expected is what Prometheus must hold for the acknowledged events.
func (s *countingSender) expected() expectedCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	total, byEvent, byCategory, byAccount := map[string]float64{}, map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, event := range s.sent {
		total[""]++
		byAccount[event.account]++
		if strings.Contains(event.body, `"event":"bounce"`) {
			byEvent["bounce"]++
			category := "invalid_address"
			if strings.Contains(event.body, "spamhaus") {
				category = "reputation"
			}
			byCategory[category]++
		} else {
			byEvent["delivered"]++
		}
	}
	return expectedCounts{
		{"sum(opptima_events_total)", nil, total},
		{"sum by (opptima_event) (opptima_events_total)", []string{"opptima_event"}, byEvent},
		{`sum by (opptima_bounce_category) (opptima_events_total{opptima_event="bounce"})`, []string{"opptima_bounce_category"}, byCategory},
		{"sum by (opptima_account) (opptima_events_total)", []string{"opptima_account"}, byAccount},
	}
}
