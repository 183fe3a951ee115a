// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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
		Env          []string            `json:"Env"`
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
	cmd.Env = append(os.Environ(), "OPPTIMA_API_KEY=k", "LOKI_OTLP_ENDPOINT=http://127.0.0.1:3100/otlp", "SERVICE_INSTANCE_ID=otelcol-opptima-0")
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	certs, err := os.ReadFile(filepath.Join(dir, "ca-certificates.crt"))
	require.NoError(t, err)
	assert.Greater(t, strings.Count(string(certs), "BEGIN CERTIFICATE"), 50, "CA certificates for TLS exporters")

	runImageFilesystem(t, podman, name, config.Env)
}

// runImageFilesystem runs the image as a container would, without a
// container runtime: its filesystem unpacked, the binary chrooted into it
// as user 10001 with the image's environment and production.yaml. Nothing
// else is there (no /usr/share/zoneinfo, no shell), so it checks that the
// zone database is compiled in and that the queue directory is writable by
// the image's user: the webhook is answered 200 only once the event is in
// the persistent queue on disk.
func runImageFilesystem(t *testing.T, podman, container string, imageEnv []string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("chroot needs root")
	}
	rootfs := t.TempDir()
	require.NoError(t, os.Chmod(rootfs, 0o755))
	export := exec.Command(podman, "--storage-driver", "vfs", "export", container)
	untar := exec.Command("tar", "-x", "-p", "-C", rootfs)
	pipe, err := export.StdoutPipe()
	require.NoError(t, err)
	untar.Stdin = pipe
	require.NoError(t, untar.Start())
	require.NoError(t, export.Run())
	require.NoError(t, untar.Wait())
	_, err = os.Stat(filepath.Join(rootfs, "usr", "share", "zoneinfo"))
	require.True(t, os.IsNotExist(err), "the image has no zoneinfo files")
	// What every container runtime mounts (memory_limiter reads the
	// container's memory from /proc and /sys).
	for _, m := range [][]string{{"-t", "proc", "proc", "proc"}, {"--rbind", "-o", "ro", "/sys", "sys"}} {
		target := filepath.Join(rootfs, m[len(m)-1])
		require.NoError(t, os.MkdirAll(target, 0o555))
		out, err := exec.Command("mount", append(m[:len(m)-1:len(m)-1], target)...).CombinedOutput()
		require.NoError(t, err, "mount %v: %s", m, out)
		t.Cleanup(func() { _ = exec.Command("umount", "-R", "-l", target).Run() })
	}

	webhook, health, metrics, telemetry := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	_, telemetryPort, _ := strings.Cut(telemetry, ":")
	cmd := &exec.Cmd{
		Path: "/otelcol-opptima",
		Args: []string{"/otelcol-opptima", "--config=/etc/otelcol-opptima/config.yaml"},
		Dir:  "/",
		Env: append(append([]string(nil), imageEnv...),
			"OPPTIMA_API_KEY="+testAPIKey, "LOKI_OTLP_ENDPOINT=http://127.0.0.1:1/otlp", "SERVICE_INSTANCE_ID=otelcol-opptima-0",
			"OPPTIMA_ENDPOINT="+webhook, "HEALTH_ENDPOINT="+health, "PROMETHEUS_ENDPOINT="+metrics,
			"TELEMETRY_HOST=127.0.0.1", "TELEMETRY_PORT="+telemetryPort),
		SysProcAttr: &syscall.SysProcAttr{Chroot: rootfs, Credential: &syscall.Credential{Uid: 10001, Gid: 10001}},
	}
	p := startCmd(t, cmd)
	p.waitHTTP(t, "http://"+health+"/")
	col := &collector{process: p, webhook: "http://" + webhook + "/opptima"}
	require.Equal(t, http.StatusOK, col.post(t, payload(t, "smtp-bounce.json")), "the event went into the queue on disk")
	entries, err := os.ReadDir(filepath.Join(rootfs, "var", "lib", "otelcol", "queue"))
	require.NoError(t, err)
	assert.NotEmpty(t, entries, "the queue's files, written as 10001")
}

// TestMakeImageNeedsNoRootWithDocker runs the Makefile's builder detection
// (`make image-builder`, which `make image` runs first) with a PATH that
// has a running docker and nothing else, as a user who is not root: it
// installs nothing (no sudo, no apt-get), so `make image` goes on to docker.
func TestMakeImageNeedsNoRootWithDocker(t *testing.T) {
	if _, err := os.Stat("/etc/ssl/certs/ca-certificates.crt"); err != nil {
		t.Skip("no CA certificates on this machine: make image-builder would install them")
	}
	makeBin, err := exec.LookPath("make")
	require.NoError(t, err)
	bin := t.TempDir()
	called := filepath.Join(t.TempDir(), "called")
	for name, script := range map[string]string{
		"docker":  "#!/bin/sh\necho docker \"$@\" >> " + called + "\n",
		"id":      "#!/bin/sh\necho 1000\n",
		"sudo":    "#!/bin/sh\necho sudo \"$@\" >> " + called + "\nexit 1\n",
		"apt-get": "#!/bin/sh\necho apt-get \"$@\" >> " + called + "\nexit 1\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755))
	}
	cmd := exec.Command(makeBin, "--no-print-directory", "image-builder")
	cmd.Dir = ".."
	cmd.Env = []string{"PATH=" + bin, "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	calls, err := os.ReadFile(called)
	require.NoError(t, err)
	assert.Equal(t, "docker info\n", string(calls), "it asked docker, and installed nothing")
}
