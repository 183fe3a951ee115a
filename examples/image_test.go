package examples

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestContainerImage inspects the image `make image` built. Containers
// cannot run on these machines (podman builds, but has no cgroups to run
// with), so the binary and config are copied out of the image and run here:
// it answers --version and validates the production config it carries.
func TestContainerImage(t *testing.T) {
	podman := binary(t, "PODMAN_BIN")
	image := os.Getenv("IMAGE")
	require.NotEmpty(t, image, "IMAGE names the image make image built")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(podman, append([]string{"--storage-driver", "vfs"}, args...)...).CombinedOutput()
		require.NoError(t, err, "podman %v: %s", args, out)
		return string(out)
	}

	var config struct {
		User         string              `json:"User"`
		Entrypoint   []string            `json:"Entrypoint"`
		Cmd          []string            `json:"Cmd"`
		ExposedPorts map[string]struct{} `json:"ExposedPorts"`
	}
	require.NoError(t, json.Unmarshal([]byte(run("image", "inspect", image, "--format", "{{json .Config}}")), &config))
	assert.Equal(t, "10001:10001", config.User, "a numeric non-root user")
	assert.Equal(t, []string{"/otelcol-opptima"}, config.Entrypoint)
	assert.Equal(t, []string{"--config=/etc/otelcol-opptima/config.yaml"}, config.Cmd)
	for _, port := range []string{"8080/tcp", "13133/tcp", "8889/tcp", "8888/tcp"} {
		assert.Contains(t, config.ExposedPorts, port)
	}

	dir := t.TempDir()
	name := "opptima-image-test-" + filepath.Base(dir)
	run("create", "--name", name, image)
	t.Cleanup(func() { _ = exec.Command(podman, "--storage-driver", "vfs", "rm", name).Run() })
	for _, path := range []string{"/otelcol-opptima", "/etc/otelcol-opptima/config.yaml", "/etc/ssl/certs/ca-certificates.crt"} {
		run("cp", name+":"+path, dir)
	}
	bin := filepath.Join(dir, "otelcol-opptima")
	out, err := exec.Command(bin, "--version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "otelcol-opptima version")

	production, err := os.ReadFile("production.yaml")
	require.NoError(t, err)
	carried, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	require.NoError(t, err)
	assert.Equal(t, string(production), string(carried), "the image carries examples/production.yaml")
	cmd := exec.Command(bin, "validate", "--config", filepath.Join(dir, "config.yaml"))
	cmd.Env = append(os.Environ(), "OPPTIMA_API_KEY=k", "LOKI_OTLP_ENDPOINT=http://127.0.0.1:3100/otlp")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	certs, err := os.ReadFile(filepath.Join(dir, "ca-certificates.crt"))
	require.NoError(t, err)
	assert.Greater(t, strings.Count(string(certs), "BEGIN CERTIFICATE"), 50, "CA certificates for TLS exporters")
}
