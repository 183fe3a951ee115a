// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replica is one otelcol-opptima behind the load balancer, with the
// addresses and queue directory it keeps across restarts.
type replica struct {
	name, webhook, health, queueDir string
	col                             *collector
}

func (r *replica) start(t *testing.T, vlogs string) {
	t.Helper()
	r.col = startCollectorOn(t, "production.yaml", r.webhook, r.health,
		productionEnv(t, vlogs, r.queueDir, map[string]string{"SERVICE_INSTANCE_ID": r.instanceID()}))
}

// instanceID is the replica's name in its records, as the StatefulSet sets
// it from the pod name.
func (r *replica) instanceID() string {
	return "otelcol-opptima-" + r.name
}

// stop sends SIGTERM, or SIGKILL when hard, and waits for the exit.
func (r *replica) stop(t *testing.T, hard bool) {
	t.Helper()
	if hard {
		require.NoError(t, r.col.cmd.Process.Kill())
	} else {
		require.NoError(t, r.col.cmd.Process.Signal(syscall.SIGTERM))
	}
	select {
	case <-r.col.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not stop", r.name)
	}
}

// haproxy is HAProxy in front of the replicas, with its runtime API on a
// unix socket.
type haproxy struct {
	url, socket string
}

// startHAProxy runs HAProxy in front of the replicas: HTTP health checks on
// each replica's health_check every 200 ms, a request whose connection
// fails is redispatched to the other server, and every answer names the
// server that gave it (X-Served-By).
func startHAProxy(t *testing.T, bin string, replicas []*replica) *haproxy {
	t.Helper()
	front := freeAddr(t)
	socket := filepath.Join(t.TempDir(), "haproxy.sock")
	var servers strings.Builder
	for _, r := range replicas {
		_, healthPort, _ := strings.Cut(r.health, ":")
		fmt.Fprintf(&servers, "    server %s %s check port %s inter 200ms fall 2 rise 2\n", r.name, r.webhook, healthPort)
	}
	config := `global
    maxconn 1024
    stats socket ` + socket + ` mode 600 level admin
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch
frontend webhook
    bind ` + front + `
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /
    http-check expect status 200
    http-response set-header X-Served-By %s
` + servers.String()
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	require.NoError(t, os.WriteFile(path, []byte(config), 0o600))
	p := startProcess(t, bin, nil, "-db", "-f", path)
	waitUntil(t, 30*time.Second, func() bool {
		resp, err := http.Get("http://" + front + "/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode != http.StatusServiceUnavailable // a replica answers (404 on /)
	})
	_ = p
	return &haproxy{url: "http://" + front + "/opptima", socket: socket}
}

// setServer changes a replica's state in HAProxy's rotation through the
// runtime API: "maint" takes it out as Kubernetes takes a terminating
// pod out of the Service's endpoints, "ready" puts it back.
func (h *haproxy) setServer(t *testing.T, name, state string) {
	t.Helper()
	conn, err := net.Dial("unix", h.socket)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "set server replicas/%s state %s\n", name, state)
	require.NoError(t, err)
	answer, _ := io.ReadAll(conn)
	require.Empty(t, strings.TrimSpace(string(answer)), "HAProxy: %s", answer)
}

// TestTwoReplicasBehindHAProxyLoseNothing: HAProxy in front of two
// replicas with examples/production.yaml (own queue each) and the real
// VictoriaLogs. 3,000 distinct events from 16 connections through HAProxy,
// the sender resending whatever was not answered 200. Replica A is killed
// (-9) at a third of the load and restarted 5 s later on its queue; then
// both are restarted with SIGTERM, one at a time. Every acknowledged event
// must be in VictoriaLogs; duplicates are reported.
func TestTwoReplicasBehindHAProxyLoseNothing(t *testing.T) {
	haproxyBin := binary(t, "HAPROXY_BIN")
	vlogs := startVictoriaLogs(t)
	a := &replica{name: "a", webhook: freeAddr(t), health: freeAddr(t), queueDir: t.TempDir()}
	b := &replica{name: "b", webhook: freeAddr(t), health: freeAddr(t), queueDir: t.TempDir()}
	a.start(t, vlogs)
	b.start(t, vlogs)
	url := startHAProxy(t, haproxyBin, []*replica{a, b}).url

	var mu sync.Mutex
	served := map[string]int{}
	servedBy := map[int]string{} // relid -> the replica that answered 200
	var aDown bool
	servedWhileADown := map[string]int{}
	const n = 3000
	sender := &opptimaSender{url: func() string { return url }, pace: 100 * time.Millisecond}
	sender.onAck = func(relid int, h http.Header) {
		mu.Lock()
		defer mu.Unlock()
		served[h.Get("X-Served-By")]++
		servedBy[relid] = h.Get("X-Served-By")
		if aDown {
			servedWhileADown[h.Get("X-Served-By")]++
		}
	}
	done := make(chan struct{})
	go func() { sender.run(t, n, 16, 4*time.Minute); close(done) }()

	waitUntil(t, time.Minute, func() bool { return sender.acks.Load() >= n/3 })
	a.stop(t, true)
	mu.Lock()
	aDown = true
	mu.Unlock()
	acksAtKill := sender.acks.Load()
	time.Sleep(5 * time.Second)
	a.start(t, vlogs)
	mu.Lock()
	aDown = false
	mu.Unlock()

	for _, r := range []*replica{b, a} { // rolling restart
		r.stop(t, false)
		r.start(t, vlogs)
		time.Sleep(time.Second) // two health checks: back in HAProxy's rotation
	}
	rollingDoneAt := sender.acks.Load()
	<-done

	lost, duplicates := sender.delivered(t, vlogs)
	t.Logf("two replicas behind HAProxy: sent %d, acknowledged %d (%d at the kill, %d when the rolling restart ended), answers resent: %d from the receiver (503), %d from HAProxy, %d connection failures; served by a/b %d/%d, while A was down a/b %d/%d; lost %d, duplicates %d",
		n, sender.acks.Load(), acksAtKill, rollingDoneAt, sender.status503.Load(), sender.otherErrors.Load(), sender.failures.Load(),
		served["a"], served["b"], servedWhileADown["a"], servedWhileADown["b"], lost, duplicates)
	assert.Equal(t, int64(n), sender.acks.Load(), "every event was acknowledged in the end")
	assert.Zero(t, lost, "acknowledged events lost")
	assert.Positive(t, servedWhileADown["b"], "B took the traffic while A was down")
	assert.Less(t, rollingDoneAt, int64(n), "the rolling restart happened under load")

	// Each replica writes its own log stream, so that one draining its
	// queue after a restart never writes behind the other's newest entry
	// (Loki refuses entries too far behind their stream).
	rows, err := queryVictoriaLogs(vlogs, `service.name:=opptima | fields opptima.relid, service.instance.id, _stream`)
	require.NoError(t, err)
	streams := map[string]string{}    // instance -> stream
	instancesOf := map[int][]string{} // relid -> the instances whose stream holds it
	for _, row := range rows {
		instance := row["service.instance.id"]
		require.Contains(t, []string{a.instanceID(), b.instanceID()}, instance, "every record names its replica")
		assert.Contains(t, row["_stream"], instance, "the replica is part of the stream")
		if streams[instance] == "" {
			streams[instance] = row["_stream"]
		}
		assert.Equal(t, streams[instance], row["_stream"], "one stream per replica")
		var relid int
		_, err := fmt.Sscan(row["opptima.relid"], &relid)
		require.NoError(t, err)
		instancesOf[relid] = append(instancesOf[relid], instance)
	}
	// A duplicate (a replica killed after queueing an event and before
	// answering, the event resent to the other) is in both streams.
	var checked int
	for relid, by := range servedBy {
		if by != "" {
			assert.Contains(t, instancesOf[relid], "otelcol-opptima-"+by, "relid %d is in the stream of the replica that acknowledged it", relid)
			checked++
		}
	}
	require.Len(t, streams, 2)
	assert.NotEqual(t, streams[a.instanceID()], streams[b.instanceID()])
	assert.Positive(t, checked)
}

// TestRollingRestartRefusesNothing restarts both replicas behind HAProxy
// under load, one at a time, in Kubernetes' order for a StatefulSet pod
// with the manifests' preStop: the replica leaves the load balancer (its
// endpoint removed), keeps serving for the hand-off wait while requests
// already sent to it finish, gets SIGTERM, stops and restarts on its queue,
// and comes back into the rotation. Every request is answered 200: none
// refused, none cut off, none lost.
func TestRollingRestartRefusesNothing(t *testing.T) {
	haproxyBin := binary(t, "HAPROXY_BIN")
	vlogs := startVictoriaLogs(t)
	a := &replica{name: "a", webhook: freeAddr(t), health: freeAddr(t), queueDir: t.TempDir()}
	b := &replica{name: "b", webhook: freeAddr(t), health: freeAddr(t), queueDir: t.TempDir()}
	a.start(t, vlogs)
	b.start(t, vlogs)
	lb := startHAProxy(t, haproxyBin, []*replica{a, b})

	const n = 3000
	sender := &opptimaSender{url: func() string { return lb.url }, pace: 50 * time.Millisecond}
	done := make(chan struct{})
	go func() { sender.run(t, n, 16, 4*time.Minute); close(done) }()

	waitUntil(t, time.Minute, func() bool { return sender.acks.Load() >= n/4 })
	for _, r := range []*replica{b, a} {
		lb.setServer(t, r.name, "maint")
		time.Sleep(2 * time.Second) // the preStop wait, scaled down
		r.stop(t, false)
		r.start(t, vlogs)
		lb.setServer(t, r.name, "ready")
		time.Sleep(time.Second) // two health checks: back in the rotation
	}
	rolledAt := sender.acks.Load()
	<-done

	lost, duplicates := sender.delivered(t, vlogs)
	t.Logf("rolling restart behind HAProxy: sent %d, acknowledged %d (%d when the restart ended); refused 503 %d, proxy errors %d, connection failures %d; lost %d, duplicates %d",
		n, sender.acks.Load(), rolledAt, sender.status503.Load(), sender.otherErrors.Load(), sender.failures.Load(), lost, duplicates)
	assert.Less(t, rolledAt, int64(n), "the restart happened under load")
	assert.Equal(t, int64(n), sender.acks.Load())
	assert.Zero(t, sender.status503.Load(), "requests refused with 503")
	assert.Zero(t, sender.otherErrors.Load(), "requests answered by the proxy, not a replica")
	assert.Zero(t, sender.failures.Load(), "requests cut off")
	assert.Zero(t, lost, "acknowledged events lost")
}
