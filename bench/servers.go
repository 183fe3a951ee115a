// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/opptimaotel/opptimareceiver/internal/opptima"
	"github.com/opptimaotel/opptimareceiver/internal/proctest"
	"go.opentelemetry.io/collector/pdata/plog"
)

// serveFloor is the floor: the least an HTTP endpoint doing this job can do.
// With convert it also runs our decode + map, and nothing else of the
// Collector: the difference to the floor is our own work per request.
func serveFloor(addr string, convert bool) {
	converter := opptima.NewConverter(opptima.Options{Location: time.FixedZone("COT", -5*3600)})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+apiKey {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if convert {
			if _, err := converter.ToLogs(body, time.Now()); err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"accepted":1}` + "\n"))
	})
	check(http.ListenAndServe(addr, handler))
}

func startFloor(convert bool) func() server {
	return func() server {
		addr := freeAddr()
		self, err := os.Executable()
		check(err)
		return startProcess(addr, addr, self, "-floor", addr, "-convert="+strconv.FormatBool(convert))
	}
}

// The two Collector targets differ only in their receiver; everything else
// (nop exporter, quiet telemetry, health check to wait on, pprof for
// -cpuprofile) is the same, so that they are measured alike.
const (
	opptimaReceiver = `
  opptima:
    endpoint: %[1]s
    api_keys: ["` + apiKey + `"]`
	otlpReceiver = `
  otlp:
    protocols:
      http:
        endpoint: %[1]s`
)

var (
	opptimaConfig         = collectorConfig(opptimaReceiver, "opptima", "")
	opptimaCountingConfig = collectorConfig(opptimaReceiver, "opptima", "metrics: {receivers: [opptima], exporters: [nop]}")
	otlpConfig            = collectorConfig(otlpReceiver, "otlp", "")
)

func collectorConfig(receiver, name, morePipelines string) string {
	return "receivers:" + receiver + `
exporters:
  nop:
extensions:
  health_check:
    endpoint: %[2]s
  pprof:
    endpoint: %[3]s
service:
  extensions: [health_check, pprof]
  telemetry: {metrics: {level: none}, logs: {level: warn}}
  pipelines:
    logs: {receivers: [` + name + `], exporters: [nop]}
    ` + morePipelines + `
`
}

func collectorStarter(bin, config string) func() server {
	return func() server {
		addr, health, pprof := freeAddr(), freeAddr(), freeAddr()
		dir, err := os.MkdirTemp("", "opptima-bench")
		check(err)
		path := filepath.Join(dir, "config.yaml")
		check(os.WriteFile(path, []byte(fmt.Sprintf(config, addr, health, pprof)), 0o600))
		srv := startProcess(addr, health, bin, "--config", path)
		stop := srv.stop
		srv.stop = func() { stop(); os.RemoveAll(dir) }
		srv.pprof = pprof
		return srv
	}
}

func startProcess(addr, readyAddr, bin string, args ...string) server {
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	proctest.Isolate(cmd)
	check(cmd.Start())
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	for deadline := time.Now().Add(30 * time.Second); ; {
		if conn, err := net.Dial("tcp", readyAddr); err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			check(fmt.Errorf("%s did not start", bin))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if conn, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		conn.Close()
	}
	return server{addr: addr, pid: cmd.Process.Pid, stop: func() { proctest.Stop(cmd, done, 10*time.Second) }}
}

// otlpBody is the OTLP/JSON request carrying the same information as the
// opptima body: the record our mapping produces for it.
func otlpBody(event []byte) []byte {
	logs, err := opptima.NewConverter(opptima.Options{Location: time.FixedZone("COT", -5*3600)}).ToLogs(event, time.Now())
	check(err)
	body, err := (&plog.JSONMarshaler{}).MarshalLogs(logs)
	check(err)
	return body
}

func batchOf(event []byte, n int) []byte {
	return []byte("[" + strings.TrimSuffix(strings.Repeat(string(event)+",", n), ",") + "]")
}

func freeAddr() string {
	addr, err := proctest.FreeAddr()
	check(err)
	return addr
}
