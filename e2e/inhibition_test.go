// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// TestInhibitionAndGroupingCannotHideAPage posts the alerts of each
// incident, labelled as the rule files label them, to a real Alertmanager
// running alerts/alertmanager.yml, and checks which notifications arrive
// and which do not.
func TestInhibitionAndGroupingCannotHideAPage(t *testing.T) {
	t.Parallel() // waits on Alertmanager's group_wait: runs beside the other waiting tests (e2e/doc.go)
	amBin := binary(t, "ALERTMANAGER_BIN")
	ruleLabels := alertRuleLabels(t)
	alert := func(name string, place ...string) map[string]string {
		labels, ok := ruleLabels[name]
		require.True(t, ok, "the rules have no alert %s", name)
		out := maps.Clone(labels)
		out["alertname"] = name
		for i := 0; i < len(place); i += 2 {
			out[place[i]] = place[i+1]
		}
		return out
	}
	var blocked20, blockedTickets []map[string]string
	for i := range 20 {
		domain := fmt.Sprintf("domain%02d.example", i)
		blocked20 = append(blocked20, alert("OpptimaDomainReputationBlocks", "email_to_domain", domain, "opptima_bounce_category", "reputation"))
		blockedTickets = append(blockedTickets, alert("OpptimaDomainBounceRateHigh", "email_to_domain", domain))
	}
	cases := []struct {
		name        string
		firing      []map[string]string
		notified    []string // alertname and place, as key() writes them
		held        []string
		pageBatches int
	}{{
		name: "the sending IP blocked at 20 domains pages once, listing them",
		firing: slices.Concat(blocked20, blockedTickets, []map[string]string{
			alert("OpptimaReputationBlocks", "opptima_bounce_category", "reputation"),
			alert("OpptimaBounceRateHigh"),
			alert("OpptimaBounceRateSpike"),
			alert("OpptimaDomainBounceRateSpike", "email_to_domain", "domain03.example"),
			alert("OpptimaAccountBounceRateHigh", "opptima_account", "tienda-co"),
		}),
		notified: slices.Concat(keys("pages", blocked20), []string{
			"pages OpptimaReputationBlocks", "pages OpptimaBounceRateHigh", "tickets OpptimaAccountBounceRateHigh tienda-co",
		}),
		held: slices.Concat(keys("tickets", blockedTickets), []string{
			"tickets OpptimaBounceRateSpike", "tickets OpptimaDomainBounceRateSpike domain03.example",
		}),
		pageBatches: 1,
	}, {
		name: "a small domain's block holds back neither the overall page nor another domain's ticket",
		firing: []map[string]string{
			alert("OpptimaDomainReputationBlocks", "email_to_domain", "small.example", "opptima_bounce_category", "reputation"),
			alert("OpptimaBounceRateHigh"),
			alert("OpptimaDomainBounceRateHigh", "email_to_domain", "gmail.com"),
			alert("OpptimaInvalidAddressesHigh", "opptima_bounce_category", "invalid_address"),
			alert("OpptimaOutcomeWebhookMissing", "opptima_type", "email_marketing", "opptima_webhook", "Email marketing sent"),
		},
		notified: []string{
			"pages OpptimaDomainReputationBlocks small.example", "pages OpptimaBounceRateHigh",
			"tickets OpptimaDomainBounceRateHigh gmail.com", "tickets OpptimaInvalidAddressesHigh", "tickets OpptimaOutcomeWebhookMissing",
		},
		pageBatches: 1,
	}, {
		name: "the Collector's alerts: nothing holds back the 503 ticket, its pages are a group of their own",
		firing: []map[string]string{
			alert("OpptimaScrapeDown", "job", "otelcol-opptima-telemetry", "instance", "otelcol-opptima-0:8888"),
			alert("OpptimaCountersMissing"),
			alert("OpptimaWebhooksAnswered503"),
			alert("OpptimaBounceRateHigh"),
			alert("OpptimaBounceRateSpike"),
		},
		notified: []string{
			"pages OpptimaScrapeDown", "pages OpptimaCountersMissing", "pages OpptimaBounceRateHigh", "tickets OpptimaWebhooksAnswered503",
		},
		held:        []string{"tickets OpptimaBounceRateSpike"},
		pageBatches: 2,
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			notifications := startWebhookRecorder(t)
			am := startAlertmanager(t, amBin, notifications.url)
			postAlerts(t, am, c.firing)
			eventually(t, 60*time.Second, func() error {
				var got []string
				for _, n := range notifications.received() {
					got = append(got, key(n.receiver, n.labels))
				}
				for _, want := range c.notified {
					if !slices.Contains(got, want) {
						return fmt.Errorf("%q not notified yet; got %v", want, got)
					}
				}
				return nil
			})
			// What is held back stays held back past another group_wait.
			time.Sleep(3 * time.Second)
			var got []string
			pageBatches := map[int]bool{}
			for _, n := range notifications.received() {
				got = append(got, key(n.receiver, n.labels))
				if n.receiver == "pages" {
					pageBatches[n.batch] = true
				}
			}
			for _, h := range c.held {
				assert.NotContains(t, got, h, "held back by an inhibit rule")
			}
			assert.Len(t, pageBatches, c.pageBatches, "page notifications")
			assert.ElementsMatch(t, c.notified, got, "every notification is one the case expects")
		})
	}
}

// TestInhibitRulesCannotHideAPage checks alertmanager.yml's inhibit rules
// against every alert of the rule files: every rule names the labels that
// must be equal, no page is a target, no target is also a source, and
// bounce alerts and the Collector's alerts never hold each other back.
func TestInhibitRulesCannotHideAPage(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("alerts", "alertmanager.yml"))
	require.NoError(t, err)
	var config struct {
		InhibitRules []struct {
			Source []string `json:"source_matchers"`
			Target []string `json:"target_matchers"`
			Equal  []string `json:"equal"`
		} `json:"inhibit_rules"`
	}
	require.NoError(t, yaml.Unmarshal(data, &config))
	require.NotEmpty(t, config.InhibitRules)
	alerts := alertRuleLabels(t)
	sources, targets := map[string]bool{}, map[string]bool{}
	for i, rule := range config.InhibitRules {
		require.NotEmpty(t, rule.Equal, "inhibit rule %d names the labels that must be equal", i)
		assert.Contains(t, rule.Equal, "opptima_alerts", "inhibit rule %d keeps bounce and Collector alerts apart", i)
		var matchedSources, matchedTargets int
		for name, labels := range alerts {
			if matchesStatic(t, rule.Source, name, labels) {
				sources[name] = true
				matchedSources++
			}
			if matchesStatic(t, rule.Target, name, labels) {
				targets[name] = true
				matchedTargets++
				assert.NotEqual(t, "page", labels["severity"], "inhibit rule %d can hold back the page %s", i, name)
			}
		}
		assert.Positive(t, matchedSources, "inhibit rule %d has a source among the rules", i)
		assert.Positive(t, matchedTargets, "inhibit rule %d has a target among the rules", i)
	}
	for name := range targets {
		assert.False(t, sources[name], "%s is both held back and holding back: a held-back alert still holds back", name)
	}
}

// matchesStatic reports whether an alert of the rules can match the
// matchers: name and static labels must match; a matcher on a label the
// rule leaves to its expression (a place) is taken as satisfiable.
func matchesStatic(t *testing.T, matchers []string, name string, labels map[string]string) bool {
	t.Helper()
	all := maps.Clone(labels)
	all["alertname"] = name
	for _, m := range matchers {
		parts := regexp.MustCompile(`^(\w+)(=~|!~|!=|=)"(.*)"$`).FindStringSubmatch(m)
		require.NotNil(t, parts, "matcher %s", m)
		value, static := all[parts[1]]
		if !static {
			continue
		}
		re := regexp.MustCompile("^(?:" + parts[3] + ")$")
		ok := map[string]bool{"=": value == parts[3], "!=": value != parts[3], "=~": re.MatchString(value), "!~": !re.MatchString(value)}[parts[2]]
		if !ok {
			return false
		}
	}
	return true
}

// alertRule is a rule of the shipped rule files.
type alertRule struct {
	Alert  string            `json:"alert"`
	Record string            `json:"record"`
	Expr   string            `json:"expr"`
	Labels map[string]string `json:"labels"`
}

// shippedRules returns every rule of alerts/bounce-rate.rules.yml and
// alerts/collector.rules.yml.
func shippedRules(t *testing.T) []alertRule {
	t.Helper()
	var out []alertRule
	for _, file := range []string{"bounce-rate.rules.yml", "collector.rules.yml"} {
		data, err := os.ReadFile(filepath.Join("alerts", file))
		require.NoError(t, err)
		var rules struct {
			Groups []struct {
				Rules []alertRule `json:"rules"`
			} `json:"groups"`
		}
		require.NoError(t, yaml.Unmarshal(data, &rules))
		for _, g := range rules.Groups {
			out = append(out, g.Rules...)
		}
	}
	return out
}

// alertRuleLabels returns each alert of the rule files with its static
// labels.
func alertRuleLabels(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, r := range shippedRules(t) {
		if r.Alert != "" {
			out[r.Alert] = r.Labels
		}
	}
	return out
}

// postAlerts sends firing alerts to Alertmanager as Prometheus does.
func postAlerts(t *testing.T, am *alertmanager, alerts []map[string]string) {
	t.Helper()
	type posted struct {
		Labels   map[string]string `json:"labels"`
		StartsAt time.Time         `json:"startsAt"`
	}
	var body []posted
	for _, labels := range alerts {
		body = append(body, posted{Labels: labels, StartsAt: time.Now()})
	}
	data, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post("http://"+am.addr+"/api/v2/alerts", "application/json", bytes.NewReader(data))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// key names a notified alert: the receiver, the alert name and its place.
func key(receiver string, labels map[string]string) string {
	parts := []string{receiver, labels["alertname"]}
	for _, place := range []string{"email_to_domain", "opptima_account"} {
		if v := labels[place]; v != "" {
			parts = append(parts, v)
		}
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

func keys(receiver string, alerts []map[string]string) []string {
	out := []string{}
	for _, a := range alerts {
		out = append(out, key(receiver, a))
	}
	return out
}
