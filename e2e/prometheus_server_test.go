// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

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
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// prometheus is a running Prometheus server.
type prometheus struct {
	*process
	api string
}

// startPrometheus runs Prometheus scraping each job's target every second,
// with copies of the alert rules whose "for:" minutes are seconds,
// evaluated every second, sending alerts to the Alertmanager at
// alertmanager.
func startPrometheus(t *testing.T, bin, addr, alertmanager string, jobs map[string]string) *prometheus {
	t.Helper()
	return startPrometheusWith(t, bin, addr, alertmanager, jobs, func(rules string) string { return rules })
}

// startPrometheusWith is startPrometheus with the rules rewritten further
// by rewrite (a window shortened, so that a test need not wait a week).
func startPrometheusWith(t *testing.T, bin, addr, alertmanager string, jobs map[string]string, rewrite func(string) string) *prometheus {
	t.Helper()
	dir := t.TempDir()
	var ruleFiles []string
	for _, name := range []string{"bounce-rate.rules.yml", "collector.rules.yml"} {
		rules, err := os.ReadFile(filepath.Join("alerts", name))
		require.NoError(t, err)
		shortFor := regexp.MustCompile(`(?m)^(\s+for:) (\d+)m$`).ReplaceAllString(string(rules), "$1 ${2}s")
		require.NotEqual(t, string(rules), shortFor)
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(rewrite(shortFor)), 0o600))
		ruleFiles = append(ruleFiles, path)
	}
	var scrapes strings.Builder
	for job, target := range jobs {
		fmt.Fprintf(&scrapes, "  - job_name: %s\n    static_configs:\n      - targets: [%q]\n", job, target)
	}
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%q, %q]
alerting:
  alertmanagers:
    - static_configs:
        - targets: [%q]
scrape_configs:
%s`, ruleFiles[0], ruleFiles[1], alertmanager, scrapes.String())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o600))
	p := startProcess(t, bin, nil,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr)
	p.waitHTTP(t, "http://"+addr+"/-/ready")
	return &prometheus{process: p, api: "http://" + addr + "/api/v1/"}
}

func (p *prometheus) get(path string, out any) error {
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
func (p *prometheus) query(expr string, by []string) (map[string]float64, error) {
	var answer struct {
		Data struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if err := p.get("query?query="+url.QueryEscape(expr), &answer); err != nil {
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

// eventuallyHolds waits until every expected query has its expected result.
func (p *prometheus) eventuallyHolds(t *testing.T, expected expectedCounts) {
	t.Helper()
	for _, e := range expected {
		eventually(t, 60*time.Second, func() error {
			got, err := p.query(e.expr, e.by)
			if err != nil {
				return err
			}
			if fmt.Sprint(got) != fmt.Sprint(e.want) {
				return fmt.Errorf("%s = %v, want %v", e.expr, got, e.want)
			}
			return nil
		})
	}
}

// waitForEvaluation waits until every rule group was evaluated after since,
// so that a check for no alert sees the rules' verdict on the data.
func (p *prometheus) waitForEvaluation(t *testing.T, since time.Time) {
	t.Helper()
	eventually(t, 30*time.Second, func() error {
		var answer struct {
			Data struct {
				Groups []struct {
					Name           string    `json:"name"`
					LastEvaluation time.Time `json:"lastEvaluation"`
				} `json:"groups"`
			} `json:"data"`
		}
		if err := p.get("rules", &answer); err != nil {
			return err
		}
		if len(answer.Data.Groups) == 0 {
			return fmt.Errorf("no rule groups loaded")
		}
		for _, g := range answer.Data.Groups {
			if !g.LastEvaluation.After(since) {
				return fmt.Errorf("group %s last evaluated at %s", g.Name, g.LastEvaluation)
			}
		}
		return nil
	})
}

// alerts returns the state of every pending or firing alert by name.
func (p *prometheus) alerts() (map[string]string, error) {
	var answer struct {
		Data struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
				State  string            `json:"state"`
			} `json:"alerts"`
		} `json:"data"`
	}
	if err := p.get("alerts", &answer); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, a := range answer.Data.Alerts {
		name := a.Labels["alertname"]
		if out[name] != "firing" {
			out[name] = a.State
		}
	}
	return out, nil
}
