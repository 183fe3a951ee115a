// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/opptimaotel/opptimareceiver/internal/proctest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testAPIKey = "e2e-key-5f0c8d1e"

// binary returns the path of a tool built by the Makefile. Under `make test`
// (OPPTIMA_E2E=1) a missing binary fails the test; a plain `go test ./...`
// skips it.
func binary(t *testing.T, env string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		if os.Getenv("OPPTIMA_E2E") != "" {
			t.Fatalf("%s is not set: run the end-to-end tests through `make test`", env)
		}
		t.Skipf("%s is not set: end-to-end tests run under `make test`", env)
	}
	_, err := os.Stat(path)
	require.NoError(t, err, "%s=%s", env, path)
	return path
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	addr, err := proctest.FreeAddr()
	require.NoError(t, err)
	return addr
}

// syncBuffer collects a process's output for the failure message.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is a server started for one test and stopped when it ends.
type process struct {
	cmd    *exec.Cmd
	output *syncBuffer
	done   chan struct{}
}

// startProcess starts bin with args and env, and stops it (SIGTERM, then
// SIGKILL after 10 s) when the test ends.
func startProcess(t *testing.T, bin string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return startCmd(t, cmd)
}

// startProcessAs starts bin as user uid in dir, with env and nothing else
// of this process's environment.
func startProcessAs(t *testing.T, bin, dir string, uid uint32, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
	return startCmd(t, cmd)
}

// startCmd starts cmd in a process group of its own and stops the group
// (SIGTERM, then SIGKILL after 10 s) when the test ends. The kernel kills
// the process if the test binary dies first (Pdeathsig), so no server
// outlives a crashed or timed-out test.
func startCmd(t *testing.T, cmd *exec.Cmd) *process {
	t.Helper()
	bin := cmd.Path
	proctest.Isolate(cmd)
	p := &process{cmd: cmd, output: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	require.NoError(t, p.cmd.Start())
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		proctest.Stop(p.cmd, p.done, 10*time.Second)
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), tail(p.output.String(), 4000))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// waitHTTP polls url until it answers 200, the process dies or 60 s pass.
func (p *process) waitHTTP(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("process exited before %s answered:\n%s", url, tail(p.output.String(), 4000))
		default:
		}
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer 200 within 60 s:\n%s", url, tail(p.output.String(), 4000))
}

// collector is a running otelcol-opptima with the webhook and health addresses.
type collector struct {
	*process
	webhook string
}

// startCollector runs the built Collector with an example file (or a config
// written by the test), the addresses it needs passed as env vars.
func startCollector(t *testing.T, configPath string, env map[string]string) *collector {
	t.Helper()
	return startCollectorOn(t, configPath, freeAddr(t), freeAddr(t), env)
}

// startCollectorOn is startCollector on given addresses, so that a test can
// restart a Collector where the previous one listened. Extra arguments go
// to the Collector (e.g. --set).
func startCollectorOn(t *testing.T, configPath, webhook, health string, env map[string]string, args ...string) *collector {
	t.Helper()
	vars := []string{"OPPTIMA_API_KEY=" + testAPIKey, "OPPTIMA_ENDPOINT=" + webhook, "HEALTH_ENDPOINT=" + health}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	p := startProcess(t, binary(t, "OTELCOL_BIN"), vars, append([]string{"--config", configPath}, args...)...)
	p.waitHTTP(t, "http://"+health+"/")
	return &collector{process: p, webhook: "http://" + webhook + "/opptima"}
}

// post sends one webhook body with the test key and returns the status.
func (c *collector) post(t *testing.T, body []byte) int {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, c.webhook, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Logf("POST answered %d: %s", resp.StatusCode, answer)
	}
	return resp.StatusCode
}

// eventually waits until check returns nil, polling every 200 ms, and
// fails the test with check's last error after timeout. check runs on
// another goroutine (require.EventuallyWithT's), so it reports errors and
// never calls require on the test itself.
func eventually(t *testing.T, timeout time.Duration, check func() error) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.NoError(c, check())
	}, timeout, 200*time.Millisecond)
}

// waitUntil polls cond every 10 ms and fails the test after timeout, so a
// load that never gets going fails fast instead of hanging the run.
func waitUntil(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, timeout, 10*time.Millisecond, "condition not met within %s", timeout)
}

func payload(t *testing.T, name string) []byte {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("..", "testdata", "payloads", name))
	require.NoError(t, err)
	return body
}

// writeConfig writes a Collector config for startCollector: the opptima
// receiver and a health check on the addresses startCollector passes in,
// the components the test gives, one logs pipeline from the receiver
// through pipeline ("processors: [...], exporters: [...]"), and telemetry
// (quiet when empty).
func writeConfig(t *testing.T, components, pipeline, telemetry string) string {
	t.Helper()
	if telemetry == "" {
		telemetry = "{metrics: {level: none}}"
	}
	yaml := `receivers:
  opptima:
    endpoint: ${env:OPPTIMA_ENDPOINT}
    api_keys: ["${env:OPPTIMA_API_KEY}"]
extensions:
  health_check:
    endpoint: ${env:HEALTH_ENDPOINT}
` + strings.TrimSpace(components) + `
service:
  extensions: [health_check]
  telemetry: ` + telemetry + `
  pipelines:
    logs: {receivers: [opptima], ` + pipeline + `}
`
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	return path
}
