// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package kubernetes holds the Kubernetes manifests of otelcol-opptima and
// the test that they are valid and agree with each other and with
// examples/production.yaml. No cluster runs here: the manifests are decoded
// strictly into the Kubernetes API types (an unknown or misspelt field is an
// error) and their pieces compared.
package kubernetes

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

// manifests decodes every file kustomization.yaml and
// monitoring/kustomization.yaml list.
type manifests struct {
	configMap        *corev1.ConfigMap
	secretName       string   // the Secret secretGenerator makes
	secretKeys       []string // the keys secrets.env.example lists
	services         []*corev1.Service
	statefulSet      *appsv1.StatefulSet
	pdb              *policyv1.PodDisruptionBudget
	ingress          *networkingv1.Ingress
	podMonitor       *monitoringv1.PodMonitor
	prometheusRules  []*monitoringv1.PrometheusRule
	alertmanagerCfg  *monitoringv1alpha1.AlertmanagerConfig
	dashboardConfigs []*corev1.ConfigMap
}

type kustomization struct {
	Resources       []string `json:"resources"`
	SecretGenerator []struct {
		Name string   `json:"name"`
		Envs []string `json:"envs"`
	} `json:"secretGenerator"`
}

func readKustomization(t *testing.T, dir string) kustomization {
	t.Helper()
	var k kustomization
	data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &k))
	return k
}

func load(t *testing.T) manifests {
	t.Helper()
	var m manifests
	k := readKustomization(t, ".")
	require.Len(t, k.SecretGenerator, 1)
	require.Equal(t, []string{"secrets.env"}, k.SecretGenerator[0].Envs)
	m.secretName = k.SecretGenerator[0].Name
	example, err := os.ReadFile("secrets.env.example")
	require.NoError(t, err)
	for _, line := range strings.Split(string(example), "\n") {
		if key, _, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			m.secretKeys = append(m.secretKeys, key)
		}
	}
	var files []string
	files = append(files, k.Resources...)
	for _, f := range readKustomization(t, "monitoring").Resources {
		files = append(files, filepath.Join("monitoring", f))
	}
	for _, file := range files {
		for _, obj := range decodeStrict(t, file) {
			switch o := obj.(type) {
			case *corev1.ConfigMap:
				if strings.HasPrefix(file, "monitoring") {
					m.dashboardConfigs = append(m.dashboardConfigs, o)
				} else {
					m.configMap = o
				}
			case *monitoringv1.PodMonitor:
				m.podMonitor = o
			case *monitoringv1.PrometheusRule:
				m.prometheusRules = append(m.prometheusRules, o)
			case *monitoringv1alpha1.AlertmanagerConfig:
				m.alertmanagerCfg = o
			case *corev1.Service:
				m.services = append(m.services, o)
			case *appsv1.StatefulSet:
				m.statefulSet = o
			case *policyv1.PodDisruptionBudget:
				m.pdb = o
			case *networkingv1.Ingress:
				m.ingress = o
			}
		}
	}
	require.NotNil(t, m.configMap)
	require.NotNil(t, m.podMonitor)
	require.NotNil(t, m.statefulSet)
	require.NotNil(t, m.pdb)
	require.NotNil(t, m.ingress)
	return m
}

// productionConfig is examples/production.yaml, which the ConfigMap carries.
func productionConfig(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "production.yaml"))
	require.NoError(t, err)
	return string(data)
}

// envDefault returns the default of ${env:NAME:-default} in config.
func envDefault(t *testing.T, config, name string) string {
	t.Helper()
	m := regexp.MustCompile(`\$\{env:` + name + `:-([^}]*)\}`).FindStringSubmatch(config)
	require.NotNil(t, m, "the config reads %s with a default", name)
	return m[1]
}

func port(t *testing.T, hostPort string) int32 {
	t.Helper()
	p, err := strconv.Atoi(hostPort[strings.LastIndex(hostPort, ":")+1:])
	require.NoError(t, err)
	return int32(p)
}

func TestConfigMapIsTheProductionConfig(t *testing.T) {
	m := load(t)
	assert.Equal(t, productionConfig(t), m.configMap.Data["config.yaml"], "run `make manifests` after editing examples/production.yaml")
}

func TestPiecesAgree(t *testing.T) {
	m := load(t)
	config := productionConfig(t)
	pod := m.statefulSet.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}

	t.Run("probes hit health_check", func(t *testing.T) {
		health := port(t, envDefault(t, config, "HEALTH_ENDPOINT"))
		for _, probe := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
			require.NotNil(t, probe)
			require.NotNil(t, probe.HTTPGet)
			assert.Equal(t, "/", probe.HTTPGet.Path)
			assert.Equal(t, health, containerPort(t, c, probe.HTTPGet.Port.String()))
		}
	})
	t.Run("container ports are the config's", func(t *testing.T) {
		assert.Equal(t, port(t, envDefault(t, config, "OPPTIMA_ENDPOINT")), containerPort(t, c, "webhook"))
		assert.Equal(t, port(t, envDefault(t, config, "HEALTH_ENDPOINT")), containerPort(t, c, "health"))
		telemetry, err := strconv.Atoi(envDefault(t, config, "TELEMETRY_PORT"))
		require.NoError(t, err)
		assert.Equal(t, int32(telemetry), containerPort(t, c, "telemetry"))
		counters := port(t, envDefault(t, config, "PROMETHEUS_ENDPOINT"))
		assert.Equal(t, counters, containerPort(t, c, "counters"))
		for name := range m.statefulSet.Spec.Template.Annotations {
			assert.NotContains(t, name, "prometheus.io/", "annotation scraping reaches one port; the alerts need both")
		}
		for _, svc := range m.services {
			for _, p := range svc.Spec.Ports {
				containerPort(t, c, p.TargetPort.String()) // every target is a named container port
			}
		}
		assert.Equal(t, "webhook", m.ingress.Spec.Rules[0].HTTP.Paths[0].Backend.Service.Port.Name)
	})
	t.Run("the secret holds every env var the config needs", func(t *testing.T) {
		required := regexp.MustCompile(`\$\{(?:required)?env:([A-Z_]+)\}`).FindAllStringSubmatch(config, -1)
		require.NotEmpty(t, required)
		for _, r := range required {
			e, ok := env[r[1]]
			if assert.True(t, ok, "the pod sets %s", r[1]) && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				assert.Equal(t, m.secretName, e.ValueFrom.SecretKeyRef.Name)
				assert.Contains(t, m.secretKeys, e.ValueFrom.SecretKeyRef.Key)
			}
		}
		for _, secretEnv := range []string{"OPPTIMA_API_KEY"} {
			assert.Contains(t, config, "${env:"+secretEnv, "the config reads %s", secretEnv)
			assert.NotNil(t, env[secretEnv].ValueFrom, "%s comes from the Secret, not a literal", secretEnv)
			assert.Contains(t, m.secretKeys, secretEnv)
		}
	})
	t.Run("each replica writes its own log stream", func(t *testing.T) {
		assert.Contains(t, config, "${requiredenv:SERVICE_INSTANCE_ID}")
		e := env["SERVICE_INSTANCE_ID"]
		require.NotNil(t, e.ValueFrom)
		require.NotNil(t, e.ValueFrom.FieldRef)
		assert.Equal(t, "metadata.name", e.ValueFrom.FieldRef.FieldPath, "the pod name")
	})
	t.Run("GOMEMLIMIT is about 80% of the memory limit", func(t *testing.T) {
		limit := c.Resources.Limits[corev1.ResourceMemory]
		mib, ok := strings.CutSuffix(env["GOMEMLIMIT"].Value, "MiB")
		require.True(t, ok, "GOMEMLIMIT in MiB, got %q", env["GOMEMLIMIT"].Value)
		n, err := strconv.Atoi(mib)
		require.NoError(t, err)
		ratio := float64(int64(n)<<20) / float64(limit.Value())
		assert.InDelta(t, 0.80, ratio, 0.03, "GOMEMLIMIT / limit")
	})
	t.Run("the Ingress names its class", func(t *testing.T) {
		require.NotNil(t, m.ingress.Spec.IngressClassName)
		assert.NotEmpty(t, *m.ingress.Spec.IngressClassName)
	})
	t.Run("the queue is on the claimed volume", func(t *testing.T) {
		envDefault(t, config, "QUEUE_DIR") // the config reads it
		queueDir := env["QUEUE_DIR"].Value
		require.NotEmpty(t, queueDir, "the pod says where the queue is")
		containerfile, err := os.ReadFile(filepath.Join("..", "..", "Containerfile"))
		require.NoError(t, err)
		assert.Contains(t, string(containerfile), "ENV QUEUE_DIR="+queueDir+"\n", "the image's default is the same path")
		var mounted bool
		for _, vm := range c.VolumeMounts {
			if vm.MountPath == queueDir {
				mounted = true
				require.Len(t, m.statefulSet.Spec.VolumeClaimTemplates, 1)
				assert.Equal(t, m.statefulSet.Spec.VolumeClaimTemplates[0].Name, vm.Name)
			}
		}
		assert.True(t, mounted, "a volume claim is mounted at %s", queueDir)
	})
	t.Run("a terminating pod keeps serving until the load balancers let go", func(t *testing.T) {
		require.NotNil(t, c.Lifecycle)
		require.NotNil(t, c.Lifecycle.PreStop)
		require.NotNil(t, c.Lifecycle.PreStop.Sleep, "Kubernetes' sleep action: the image has no shell")
		handOff := c.Lifecycle.PreStop.Sleep.Seconds
		assert.GreaterOrEqual(t, handOff, int64(10), "ingress controllers and cloud load balancers take seconds to drop an endpoint")
		writeTimeout := regexp.MustCompile(`(?m)^\s+write_timeout: (\d+)s$`).FindStringSubmatch(config)
		require.NotNil(t, writeTimeout, "production.yaml sets write_timeout")
		drain, err := strconv.Atoi(writeTimeout[1])
		require.NoError(t, err)
		require.NotNil(t, pod.TerminationGracePeriodSeconds)
		assert.Greater(t, *pod.TerminationGracePeriodSeconds, handOff+int64(drain),
			"the grace period covers the hand-off and the requests in flight")
	})
	t.Run("two replicas, one may go", func(t *testing.T) {
		assert.Equal(t, int32(2), *m.statefulSet.Spec.Replicas)
		assert.Equal(t, 1, m.pdb.Spec.MinAvailable.IntValue())
		assert.Equal(t, m.statefulSet.Spec.Selector.MatchLabels, m.pdb.Spec.Selector.MatchLabels)
	})
	t.Run("hardened", func(t *testing.T) {
		require.NotNil(t, pod.SecurityContext)
		assert.True(t, *pod.SecurityContext.RunAsNonRoot)
		assert.NotZero(t, *pod.SecurityContext.RunAsUser)
		require.NotNil(t, c.SecurityContext)
		assert.True(t, *c.SecurityContext.ReadOnlyRootFilesystem)
		assert.False(t, *c.SecurityContext.AllowPrivilegeEscalation)
		assert.Contains(t, c.SecurityContext.Capabilities.Drop, corev1.Capability("ALL"))
		assert.NotEmpty(t, m.ingress.Spec.TLS, "the webhook is served over TLS")
	})
	t.Run("memory limit for memory_limiter", func(t *testing.T) {
		limit, ok := c.Resources.Limits[corev1.ResourceMemory]
		require.True(t, ok, "memory_limiter's limit_percentage needs a container limit")
		request := c.Resources.Requests[corev1.ResourceMemory]
		assert.LessOrEqual(t, request.Cmp(limit), 0)
		assert.Contains(t, config, "limit_percentage: 80")
		// Worst case the receiver converts 8 MiB of bodies at ~23x, and the
		// garbage collector lets the heap reach twice that: under 80%.
		assert.Less(t, int64(2*8*23)<<20, limit.Value()*80/100)
	})
}

// containerPort returns the number of a named (or numbered) container port.
func containerPort(t *testing.T, c corev1.Container, name string) int32 {
	t.Helper()
	for _, p := range c.Ports {
		if p.Name == name || strconv.Itoa(int(p.ContainerPort)) == name {
			return p.ContainerPort
		}
	}
	t.Fatalf("no container port %q", name)
	return 0
}

// bytesOnDiskPerQueueByte is the size of the queue's bbolt file for each
// byte the queue counts, measured (RELIABILITY.md, "Sizing the queue").
const bytesOnDiskPerQueueByte = 2.0

// TestTheQueueFitsItsVolume: the queue's default bound in bytes, times what
// its file takes on disk, fits the volume the StatefulSet claims for it.
func TestTheQueueFitsItsVolume(t *testing.T) {
	m := load(t)
	queueBytes, err := strconv.ParseInt(envDefault(t, productionConfig(t), "QUEUE_BYTES"), 10, 64)
	require.NoError(t, err)
	assert.Contains(t, productionConfig(t), "sizer: bytes")
	require.Len(t, m.statefulSet.Spec.VolumeClaimTemplates, 1)
	volume := m.statefulSet.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[corev1.ResourceStorage]
	onDisk := float64(queueBytes) * bytesOnDiskPerQueueByte
	assert.Less(t, onDisk, 0.9*float64(volume.Value()), "a full queue's file (%.1f GiB) fits the volume (%s) with room", onDisk/(1<<30), volume.String())
}

// TestReadmeStatesTheManifests: the figures the README's production steps
// give are the manifests' and production.yaml's, so a changed setting
// fails here until the README says it too.
func TestReadmeStatesTheManifests(t *testing.T) {
	m := load(t)
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	readme := strings.Join(strings.Fields(string(data)), " ")
	config := productionConfig(t)
	pod := m.statefulSet.Spec.Template.Spec
	container := pod.Containers[0]

	limit := container.Resources.Limits[corev1.ResourceMemory]
	limitMiB := limit.Value() >> 20
	percent := func(key string) int64 {
		match := regexp.MustCompile(key + `: (\d+)`).FindStringSubmatch(config)
		require.NotNil(t, match, key)
		p, err := strconv.ParseInt(match[1], 10, 64)
		require.NoError(t, err)
		return p
	}
	hard, spike := percent("limit_percentage"), percent("spike_limit_percentage")
	var goMemLimit string
	for _, env := range container.Env {
		if env.Name == "GOMEMLIMIT" {
			goMemLimit = strings.TrimSuffix(env.Value, "MiB") + " MiB"
		}
	}
	require.NotEmpty(t, goMemLimit)
	queue, err := strconv.ParseInt(envDefault(t, config, "QUEUE_BYTES"), 10, 64)
	require.NoError(t, err)
	volume := m.statefulSet.Spec.VolumeClaimTemplates[0].Spec.Resources.Requests[corev1.ResourceStorage]
	require.NotNil(t, container.Lifecycle.PreStop.Sleep)
	writeTimeout := regexp.MustCompile(`write_timeout: (\d+)s`).FindStringSubmatch(config)
	require.NotNil(t, writeTimeout)

	for _, figure := range []string{
		fmt.Sprintf("with the %d GiB limit", limitMiB>>10),
		fmt.Sprintf("(limit %d %%, spike %d %%)", hard, spike),
		fmt.Sprintf("soft limit, %d %% (%d MiB)", hard-spike, limitMiB*(hard-spike)/100),
		fmt.Sprintf("at %d %% (%d MiB)", hard, limitMiB*hard/100),
		fmt.Sprintf("`GOMEMLIMIT` (%s,", goMemLimit),
		fmt.Sprintf("`sleep` action (%d s;", container.Lifecycle.PreStop.Sleep.Seconds),
		fmt.Sprintf("(`write_timeout` %s s)", writeTimeout[1]),
		fmt.Sprintf("`terminationGracePeriodSeconds: %d`", *pod.TerminationGracePeriodSeconds),
		fmt.Sprintf("`QUEUE_BYTES`, default %d GiB", queue>>30),
		fmt.Sprintf("fits the %s Gi volume", strings.TrimSuffix(volume.String(), "Gi")),
		fmt.Sprintf("A StatefulSet of %d replicas", *m.statefulSet.Spec.Replicas),
		fmt.Sprintf("(`minAvailable: %d`)", m.pdb.Spec.MinAvailable.IntValue()),
	} {
		assert.True(t, strings.Contains(readme, figure), "the README says %q", figure)
	}
}
