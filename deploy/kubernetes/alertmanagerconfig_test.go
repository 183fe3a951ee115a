// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package kubernetes

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

const alertmanagerConfigFile = "monitoring/alertmanagerconfig.yaml"

var update = flag.Bool("update", false, "write "+alertmanagerConfigFile+" from examples/alerts/alertmanager.yml (make manifests)")

// TestAlertmanagerConfigIsTheShippedRouting: the AlertmanagerConfig routes,
// groups and inhibits exactly as examples/alerts/alertmanager.yml does. It
// is built from that file (which is read strictly: a setting this
// conversion does not carry fails it), and the committed manifest, decoded
// strictly with the Operator's types, is what it builds. `make manifests`
// rewrites it.
func TestAlertmanagerConfigIsTheShippedRouting(t *testing.T) {
	built := alertmanagerConfigFrom(t, filepath.Join("..", "..", "examples", "alerts", "alertmanager.yml"))
	if *update {
		data, err := yaml.Marshal(built)
		require.NoError(t, err)
		header := "# Generated from examples/alerts/alertmanager.yml by `make manifests`: edit that file.\n"
		require.NoError(t, os.WriteFile(alertmanagerConfigFile, append([]byte(header), data...), 0o644))
	}
	m := load(t)
	require.NotNil(t, m.alertmanagerCfg, "monitoring/kustomization.yaml lists %s", filepath.Base(alertmanagerConfigFile))
	wantSpec, wantRoutes := splitRoutes(t, built.Spec)
	gotSpec, gotRoutes := splitRoutes(t, m.alertmanagerCfg.Spec)
	assert.Equal(t, wantSpec, gotSpec, "run `make manifests` after editing examples/alerts/alertmanager.yml")
	assert.Equal(t, wantRoutes, gotRoutes, "run `make manifests` after editing examples/alerts/alertmanager.yml")
	require.Len(t, gotRoutes, 2)
	for _, r := range m.alertmanagerCfg.Spec.InhibitRules {
		for _, matcher := range append(r.SourceMatch, r.TargetMatch...) {
			require.NoError(t, matcher.Validate())
		}
		assert.NotEmpty(t, r.Equal)
	}
}

// splitRoutes returns the spec without its child routes, and the child
// routes decoded as the Operator decodes them (they are raw JSON in the
// type, whose key order is not the point).
func splitRoutes(t *testing.T, spec monitoringv1alpha1.AlertmanagerConfigSpec) (monitoringv1alpha1.AlertmanagerConfigSpec, []monitoringv1alpha1.Route) {
	t.Helper()
	children, err := spec.Route.ChildRoutes()
	require.NoError(t, err)
	top := *spec.Route
	top.Routes = nil
	spec.Route = &top
	return spec, children
}

// alertmanager.yml, as much of it as the AlertmanagerConfig carries.
type amFile struct {
	Route        amRoute `json:"route"`
	InhibitRules []struct {
		Source []string `json:"source_matchers"`
		Target []string `json:"target_matchers"`
		Equal  []string `json:"equal"`
	} `json:"inhibit_rules"`
	Receivers []struct {
		Name     string `json:"name"`
		Webhooks []struct {
			URL          string `json:"url"`
			SendResolved bool   `json:"send_resolved"`
		} `json:"webhook_configs"`
	} `json:"receivers"`
}

type amRoute struct {
	Receiver       string    `json:"receiver"`
	GroupBy        []string  `json:"group_by"`
	GroupWait      string    `json:"group_wait"`
	GroupInterval  string    `json:"group_interval"`
	RepeatInterval string    `json:"repeat_interval"`
	Matchers       []string  `json:"matchers"`
	Routes         []amRoute `json:"routes"`
}

func alertmanagerConfigFrom(t *testing.T, path string) *monitoringv1alpha1.AlertmanagerConfig {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var file amFile
	require.NoError(t, yaml.UnmarshalStrict(data, &file), "%s has a setting the AlertmanagerConfig conversion does not carry", path)
	cfg := &monitoringv1alpha1.AlertmanagerConfig{
		TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1alpha1", Kind: "AlertmanagerConfig"},
		ObjectMeta: metav1.ObjectMeta{Name: "otelcol-opptima"},
	}
	cfg.Spec.Route = route(t, file.Route)
	for _, r := range file.InhibitRules {
		cfg.Spec.InhibitRules = append(cfg.Spec.InhibitRules, monitoringv1alpha1.InhibitRule{
			SourceMatch: matchers(t, r.Source), TargetMatch: matchers(t, r.Target), Equal: r.Equal,
		})
	}
	for _, r := range file.Receivers {
		receiver := monitoringv1alpha1.Receiver{Name: r.Name}
		for _, w := range r.Webhooks {
			receiver.WebhookConfigs = append(receiver.WebhookConfigs, monitoringv1alpha1.WebhookConfig{
				URL: new(w.URL), SendResolved: new(w.SendResolved),
			})
		}
		cfg.Spec.Receivers = append(cfg.Spec.Receivers, receiver)
	}
	return cfg
}

func route(t *testing.T, r amRoute) *monitoringv1alpha1.Route {
	t.Helper()
	out := &monitoringv1alpha1.Route{
		Receiver: r.Receiver, GroupBy: r.GroupBy, Matchers: matchers(t, r.Matchers),
		GroupWait: duration(r.GroupWait), GroupInterval: duration(r.GroupInterval), RepeatInterval: duration(r.RepeatInterval),
	}
	for _, child := range r.Routes {
		raw, err := json.Marshal(route(t, child))
		require.NoError(t, err)
		out.Routes = append(out.Routes, apiextensionsv1.JSON{Raw: raw})
	}
	return out
}

func duration(d string) *monitoringv1.NonEmptyDuration {
	if d == "" {
		return nil
	}
	return new(monitoringv1.NonEmptyDuration(d))
}

var matcherSyntax = regexp.MustCompile(`^(\w+)(=~|!~|!=|=)"(.*)"$`)

func matchers(t *testing.T, in []string) []monitoringv1alpha1.Matcher {
	t.Helper()
	var out []monitoringv1alpha1.Matcher
	for _, m := range in {
		parts := matcherSyntax.FindStringSubmatch(m)
		require.NotNil(t, parts, "matcher %s", m)
		out = append(out, monitoringv1alpha1.Matcher{Name: parts[1], MatchType: monitoringv1alpha1.MatchType(parts[2]), Value: parts[3]})
	}
	return out
}
