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
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestVMAlertOnTheLogs runs the built Collector shipping into a real
// VictoriaLogs, and vmalert with alerts/victorialogs-bounce-rate.rules.yml
// (a copy evaluated every second, with "for:" of 2 s). A calm load of both
// Opptima groups raises no alert: SMTP at 1 % bounces, and an
// Email-marketing campaign at 2 % (sent events and clicks, no delivered:
// counted as bounces and deliveries only, the mix bounced at 10 %). A burst
// of reputation bounces at one domain fires the bounce-rate and reputation
// alerts, read from vmalert's API.
func TestVMAlertOnTheLogs(t *testing.T) {
	t.Parallel() // waits on vmalert's evaluations (e2e/doc.go)
	vmalertBin := binary(t, "VMALERT_BIN")
	vlogs := startVictoriaLogs(t)
	col := startCollectorToVictoriaLogs(t, vlogs)
	api := startVMAlert(t, vmalertBin, vlogs)

	sender := &countingSender{url: col.webhook, keys: map[string]string{"": testAPIKey}}
	bogota := time.FixedZone("COT", -5*3600)
	now := func() string { return time.Now().In(bogota).Format(time.DateTime) }
	domains := []string{"gmail.com", "hotmail.com"}
	calm := make([]sentEvent, 0, 2200)
	for i := range 300 {
		calm = append(calm, sentEvent{body: testEvent(i, i%100 == 0, domains[i%2], now(), userUnknown)})
	}
	for i := range 1500 {
		calm = append(calm, sentEvent{body: marketingEvent(1000+i, i%50 == 0, domains[i%2], now())})
	}
	for i := range 400 {
		calm = append(calm, sentEvent{body: marketingClick(1000+i, domains[i%2], now())})
	}
	sender.send(t, calm, 16)
	eventually(t, 30*time.Second, func() error {
		rows, err := queryVictoriaLogs(vlogs, `service.name:=opptima | stats count() as n`)
		if err != nil || len(rows) != 1 || rows[0]["n"] != "2200" {
			return fmt.Errorf("VictoriaLogs holds %v, want 2200 (%v)", rows, err)
		}
		return nil
	})
	evaluatedSince := time.Now()
	waitForEvaluations(t, api, evaluatedSince.Add(3*time.Second))
	calmAlerts, err := vmalertAlerts(api)
	require.NoError(t, err)
	assert.Empty(t, calmAlerts, "calm SMTP and Email-marketing traffic raises no alert")

	spike := make([]sentEvent, 0, 200)
	for i := range 200 {
		spike = append(spike, sentEvent{body: testEvent(5000+i, true, "hotmail.com", now(), blockList)})
	}
	sender.send(t, spike, 16)
	eventually(t, 60*time.Second, func() error {
		alerts, err := vmalertAlerts(api)
		if err != nil {
			return err
		}
		if alerts["OpptimaLogsBounceRateHigh"] != "firing" || alerts["OpptimaLogsReputationBlocks"] != "firing" {
			return fmt.Errorf("alerts: %v", alerts)
		}
		return nil
	})
	after, _ := vmalertAlerts(api)
	t.Logf("alerts after the spike: %v", after)
}

// marketingEvent is an Email-marketing webhook body: a sent event (the
// group's delivery outcome) or a bounce.
func marketingEvent(relid int, isBounce bool, domain, stamp string) string {
	if isBounce {
		return fmt.Sprintf(`{"type":"Email marketing","event":"bounce","relid":%d,"contactid":%d,"campid":"77","to":"u%d@%s","timestamp":%q,"status":"Rebote duro","response":%q}`, relid, relid, relid, domain, stamp, userUnknown)
	}
	return fmt.Sprintf(`{"type":"Email marketing","event":"sent","relid":%d,"contactid":%d,"campid":"77","to":"u%d@%s","timestamp":%q,"status":"Entregado"}`, relid, relid, relid, domain, stamp)
}

// marketingClick is an Email-marketing click: not an outcome.
func marketingClick(relid int, domain, stamp string) string {
	return fmt.Sprintf(`{"type":"Email marketing","event":"click","relid":"%d","contactId":"%d","campid":"77","email":"u%d@%s","timestamp":%q,"destination":"https://tienda.example.co/oferta"}`, relid, relid, relid, domain, stamp)
}

// startVMAlert runs vmalert on VictoriaLogs with a copy of the rules
// evaluated every second, each alert pending 2 s before it fires, and
// alerts sent nowhere.
func startVMAlert(t *testing.T, bin, datasource string) string {
	t.Helper()
	rules, err := os.ReadFile(filepath.Join("alerts", "victorialogs-bounce-rate.rules.yml"))
	require.NoError(t, err)
	fast := regexp.MustCompile(`(?m)^(\s+interval:) 1m$`).ReplaceAllString(string(rules), "$1 1s")
	fast = regexp.MustCompile(`(?m)^(\s+for:) \d+m$`).ReplaceAllString(fast, "$1 2s")
	require.Equal(t, 1, strings.Count(fast, "interval: 1s"))
	require.Equal(t, 2, strings.Count(fast, "for: 2s"))
	path := filepath.Join(t.TempDir(), "rules.yml")
	require.NoError(t, os.WriteFile(path, []byte(fast), 0o600))
	addr := freeAddr(t)
	p := startProcess(t, bin, nil, "-rule="+path, "-datasource.url="+datasource,
		"-notifier.blackhole", "-httpListenAddr="+addr, "-loggerLevel=WARN")
	p.waitHTTP(t, "http://"+addr+"/health")
	return "http://" + addr + "/api/v1/"
}

// vmalertAlerts returns the state of every pending or firing alert by name.
func vmalertAlerts(api string) (map[string]string, error) {
	var answer struct {
		Data struct {
			Alerts []struct {
				Name  string `json:"name"`
				State string `json:"state"`
			} `json:"alerts"`
		} `json:"data"`
	}
	if err := getJSON(api+"alerts", &answer); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, a := range answer.Data.Alerts {
		if out[a.Name] != "firing" {
			out[a.Name] = a.State
		}
	}
	return out, nil
}

// waitForEvaluations waits until every rule was evaluated after since.
func waitForEvaluations(t *testing.T, api string, since time.Time) {
	t.Helper()
	eventually(t, 30*time.Second, func() error {
		var answer struct {
			Data struct {
				Groups []struct {
					Rules []struct {
						Name           string    `json:"name"`
						LastEvaluation time.Time `json:"lastEvaluation"`
						LastError      string    `json:"lastError"`
					} `json:"rules"`
				} `json:"groups"`
			} `json:"data"`
		}
		if err := getJSON(api+"rules", &answer); err != nil {
			return err
		}
		for _, g := range answer.Data.Groups {
			for _, r := range g.Rules {
				if r.LastError != "" {
					return fmt.Errorf("rule %s: %s", r.Name, r.LastError)
				}
				if r.LastEvaluation.Before(since) {
					return fmt.Errorf("rule %s last evaluated at %s", r.Name, r.LastEvaluation)
				}
			}
		}
		return nil
	})
}

// getJSON decodes the JSON answer of a GET; it reports errors rather than
// failing the test, since it runs inside eventually's polls.
func getJSON(url string, out any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
