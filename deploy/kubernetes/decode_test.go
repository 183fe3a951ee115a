// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package kubernetes

import (
	"bytes"
	"os"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

// decodeStrict reads every document of a manifest file into the type its
// kind names, failing on any field the API does not have.
func decodeStrict(t *testing.T, file string) []any {
	t.Helper()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var objects []any
	for _, doc := range bytes.Split(data, []byte("\n---\n")) {
		var meta struct {
			Kind string `json:"kind"`
		}
		require.NoError(t, yaml.Unmarshal(doc, &meta), file)
		var obj any
		switch meta.Kind {
		case "Namespace":
			obj = &corev1.Namespace{}
		case "ConfigMap":
			obj = &corev1.ConfigMap{}
		case "Secret":
			obj = &corev1.Secret{}
		case "Service":
			obj = &corev1.Service{}
		case "StatefulSet":
			obj = &appsv1.StatefulSet{}
		case "PodDisruptionBudget":
			obj = &policyv1.PodDisruptionBudget{}
		case "Ingress":
			obj = &networkingv1.Ingress{}
		case "PodMonitor":
			obj = &monitoringv1.PodMonitor{}
		case "PrometheusRule":
			obj = &monitoringv1.PrometheusRule{}
		case "AlertmanagerConfig":
			obj = &monitoringv1alpha1.AlertmanagerConfig{}
		default:
			t.Fatalf("%s: kind %q is not one this test knows", file, meta.Kind)
		}
		require.NoError(t, yaml.UnmarshalStrict(doc, obj), "%s (%s)", file, meta.Kind)
		objects = append(objects, obj)
	}
	return objects
}
