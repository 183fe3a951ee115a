// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package kubernetes

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// kustomize returns the kustomize binary `make test` installs; a plain
// `go test` without it skips.
func kustomize(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("KUSTOMIZE_BIN")
	if bin == "" {
		t.Skip("KUSTOMIZE_BIN is not set: make test installs kustomize and sets it")
	}
	return bin
}

// copyManifests copies the committed manifests (never a secrets.env a
// developer made) into a temporary directory.
func copyManifests(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{".", "monitoring"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, sub), 0o755))
		files, err := filepath.Glob(filepath.Join(sub, "*.yaml"))
		require.NoError(t, err)
		files = append(files, filepath.Join(sub, "secrets.env.example"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if os.IsNotExist(err) {
				continue
			}
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
		}
	}
	return dir
}

// TestKustomizeRefusesToBuildWithoutTheKeys: there is no placeholder key to
// deploy by mistake; without secrets.env the build fails and says which file
// is missing.
func TestKustomizeRefusesToBuildWithoutTheKeys(t *testing.T) {
	bin := kustomize(t)
	dir := copyManifests(t)
	out, err := exec.Command(bin, "build", dir).CombinedOutput()
	require.Error(t, err, "kustomize built the manifests without secrets.env:\n%s", out)
	assert.Contains(t, string(out), "secrets.env")
}

// TestKustomizeBuildsWithTheKeys: with secrets.env the build succeeds, the
// Secret carries its keys, and the StatefulSet reads that very Secret (its
// name carries kustomize's content hash).
func TestKustomizeBuildsWithTheKeys(t *testing.T) {
	bin := kustomize(t)
	dir := copyManifests(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secrets.env"),
		[]byte("OPPTIMA_API_KEY=k-3f9a2b7c\n"), 0o600))
	out, err := exec.Command(bin, "build", dir).Output()
	require.NoError(t, err)

	var secret corev1.Secret
	var statefulSet appsv1.StatefulSet
	kinds := map[string]int{}
	for _, doc := range bytes.Split(out, []byte("\n---\n")) {
		var meta struct {
			Kind string `json:"kind"`
		}
		require.NoError(t, yaml.Unmarshal(doc, &meta))
		kinds[meta.Kind]++
		switch meta.Kind {
		case "Secret":
			require.NoError(t, yaml.Unmarshal(doc, &secret))
		case "StatefulSet":
			require.NoError(t, yaml.Unmarshal(doc, &statefulSet))
		}
	}
	assert.Equal(t, 1, kinds["Secret"])
	assert.Equal(t, 1, kinds["StatefulSet"])
	assert.Equal(t, "opptima", secret.Namespace)
	assert.True(t, strings.HasPrefix(secret.Name, "otelcol-opptima-"), "hash-suffixed: %s", secret.Name)
	assert.Equal(t, "k-3f9a2b7c", string(secret.Data["OPPTIMA_API_KEY"]))
	var refs int
	for _, e := range statefulSet.Spec.Template.Spec.Containers[0].Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			assert.Equal(t, secret.Name, e.ValueFrom.SecretKeyRef.Name, e.Name)
			refs++
		}
	}
	assert.Equal(t, 1, refs)

	monitoring, err := exec.Command(bin, "build", filepath.Join(dir, "monitoring")).Output()
	require.NoError(t, err)
	for _, kind := range []string{"PodMonitor", "PrometheusRule", "ConfigMap"} {
		assert.Contains(t, string(monitoring), "kind: "+kind)
	}
	assert.Contains(t, string(monitoring), "release: kube-prometheus-stack", "the label the Operator selects by")
}
