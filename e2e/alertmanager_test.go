// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// alertmanager is a running Alertmanager.
type alertmanager struct {
	*process
	addr string
}

// startAlertmanager runs Alertmanager with alerts/alertmanager.yml, its
// webhook URLs pointed at webhook + "/pages" and "/tickets" and its
// group_wait shortened to 2 s; routes and inhibit rules as shipped.
func startAlertmanager(t *testing.T, bin, webhook string) *alertmanager {
	t.Helper()
	shipped, err := os.ReadFile(filepath.Join("alerts", "alertmanager.yml"))
	require.NoError(t, err)
	config := regexp.MustCompile(`url: http://[^\s]+/opptima/(pages|tickets)`).ReplaceAllString(string(shipped), "url: "+webhook+"/$1")
	config = regexp.MustCompile(`group_wait: \d+s`).ReplaceAllString(config, "group_wait: 2s")
	require.Equal(t, 2, strings.Count(config, webhook), "both receivers point at the test's webhook")
	require.Contains(t, config, "group_wait: 2s")
	dir := t.TempDir()
	path := filepath.Join(dir, "alertmanager.yml")
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
	addr := freeAddr(t)
	p := startProcess(t, bin, nil,
		"--config.file="+path,
		"--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--cluster.listen-address=") // one instance, no gossip
	p.waitHTTP(t, "http://"+addr+"/-/ready")
	return &alertmanager{process: p, addr: addr}
}

type amAlert struct {
	Labels map[string]string `json:"labels"`
	Status struct {
		State       string   `json:"state"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status"`
}

// alerts returns every alert Alertmanager holds.
func (a *alertmanager) alerts() ([]amAlert, error) {
	var alerts []amAlert
	return alerts, getJSON("http://"+a.addr+"/api/v2/alerts", &alerts)
}

// waitForSuppressed waits until Alertmanager holds the alert and an inhibit
// rule suppresses it.
func (a *alertmanager) waitForSuppressed(t *testing.T, name string) {
	t.Helper()
	a.waitForState(t, name, "suppressed", func(alert amAlert) bool {
		return alert.Status.State == "suppressed" && len(alert.Status.InhibitedBy) > 0
	})
}

// waitForActive waits until Alertmanager holds the alert and nothing
// holds it back.
func (a *alertmanager) waitForActive(t *testing.T, name string) {
	t.Helper()
	a.waitForState(t, name, "active", func(alert amAlert) bool { return alert.Status.State == "active" })
}

func (a *alertmanager) waitForState(t *testing.T, name, want string, is func(amAlert) bool) {
	t.Helper()
	eventually(t, 60*time.Second, func() error {
		alerts, err := a.alerts()
		if err != nil {
			return err
		}
		var seen []string
		for _, alert := range alerts {
			if alert.Labels["alertname"] != name {
				continue
			}
			if is(alert) {
				return nil
			}
			seen = append(seen, alert.Status.State)
		}
		return fmt.Errorf("%s is not %s in Alertmanager (states %v)", name, want, seen)
	})
}

// notification is one alert of a webhook notification, with the receiver
// (route) it came through and the number of the notification it was in.
type notification struct {
	receiver string
	labels   map[string]string
	batch    int
}

// webhookRecorder plays the paging and ticketing tools: it records every
// alert of every notification Alertmanager sends.
type webhookRecorder struct {
	url     string
	mu      sync.Mutex
	got     []notification
	batches int
}

func startWebhookRecorder(t *testing.T) *webhookRecorder {
	t.Helper()
	w := &webhookRecorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var body struct {
			Receiver string `json:"receiver"`
			Alerts   []struct {
				Status string            `json:"status"`
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("Alertmanager sent a body that is not its webhook JSON: %v", err)
		}
		assert.Equal(t, "/"+body.Receiver, r.URL.Path, "the receiver's own URL")
		w.mu.Lock()
		w.batches++
		for _, a := range body.Alerts {
			if a.Status == "firing" {
				w.got = append(w.got, notification{receiver: body.Receiver, labels: a.Labels, batch: w.batches})
			}
		}
		w.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	return w
}

func (w *webhookRecorder) received() []notification {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]notification(nil), w.got...)
}

// waitFor waits for a firing alert of that name through that receiver and
// returns its labels.
func (w *webhookRecorder) waitFor(t *testing.T, receiver, alertname string) map[string]string {
	t.Helper()
	var labels map[string]string
	eventually(t, 90*time.Second, func() error {
		for _, n := range w.received() {
			if n.receiver == receiver && n.labels["alertname"] == alertname {
				labels = n.labels
				return nil
			}
		}
		return fmt.Errorf("no %s notification through %s yet; received %v", alertname, receiver, w.received())
	})
	return labels
}

// TestEveryAlertRoutesBySeverity asks amtool where each alert of the rule
// files goes: pages for severity page, tickets for severity ticket.
func TestEveryAlertRoutesBySeverity(t *testing.T) {
	amtool := binary(t, "AMTOOL_BIN")
	var alerts int
	for name, labels := range alertRuleLabels(t) {
		alerts++
		want := map[string]string{"page": "pages", "ticket": "tickets"}[labels["severity"]]
		require.NotEmpty(t, want, "%s has severity page or ticket", name)
		out, err := exec.Command(amtool, "config", "routes", "test",
			"--config.file="+filepath.Join("alerts", "alertmanager.yml"),
			"alertname="+name, "severity="+labels["severity"], "opptima_alerts="+labels["opptima_alerts"]).Output()
		require.NoError(t, err)
		assert.Equal(t, want, strings.TrimSpace(string(out)), "%s goes to %s", name, want)
	}
	assert.GreaterOrEqual(t, alerts, 13)
}
