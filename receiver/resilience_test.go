// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/config/configopaque"
	"go.opentelemetry.io/collector/config/configoptional"
	"go.opentelemetry.io/collector/config/configtls"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/receiver/receivertest"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// TestSlowClientsDoNotStopOthers opens hundreds of connections that trickle
// their headers or their bodies; a normal client still gets its 200
// promptly, and the read timeouts cut the tricklers.
func TestSlowClientsDoNotStopOthers(t *testing.T) {
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, func(cfg *Config) {
		cfg.ReadHeaderTimeout = time.Second
		cfg.ReadTimeout = 2 * time.Second
	}).url
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/opptima")

	const slow = 300
	var conns []net.Conn
	for i := range slow {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		conns = append(conns, conn)
		if i%2 == 0 { // trickles its headers
			_, err = conn.Write([]byte("POST /opptima HTTP/1.1\r\nHost: x\r\n"))
		} else { // sends headers, then trickles its body
			_, err = conn.Write([]byte("POST /opptima HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + testKey + "\r\nContent-Length: 1000\r\n\r\n{"))
		}
		require.NoError(t, err)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	stop := make(chan struct{})
	var trickling sync.WaitGroup
	trickling.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(200 * time.Millisecond):
				for _, c := range conns {
					_, _ = c.Write([]byte(" "))
				}
			}
		}
	})

	start := time.Now()
	a := send(t, http.MethodPost, url, []byte(goodEvent), bearer(testKey))
	assert.Equal(t, http.StatusOK, a.status)
	assert.Less(t, time.Since(start), time.Second, "a normal client is served promptly")

	// Past read_timeout every trickler has been cut: its next read sees EOF.
	time.Sleep(2500 * time.Millisecond)
	close(stop)
	trickling.Wait()
	closed := 0
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		buf := make([]byte, 512)
		for {
			if _, err := c.Read(buf); err != nil {
				if !isTimeout(err) {
					closed++
				}
				break
			}
		}
	}
	assert.Equal(t, slow, closed, "every trickling connection is closed by the server")
	assert.Equal(t, 1, sink.LogRecordCount(), "nothing from the tricklers reached the pipeline")
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestTLS serves the webhook over TLS with a certificate made by the test.
func TestTLS(t *testing.T) {
	certFile, keyFile, pool := selfSignedCert(t)
	sink := new(consumertest.LogsSink)
	url := startReceiver(t, pipelines{logs: sink}, func(cfg *Config) {
		cfg.TLS = configoptional.Some(configtls.ServerConfig{Config: configtls.Config{CertFile: certFile, KeyFile: keyFile}})
	}).url
	httpsURL := "https://" + strings.TrimPrefix(url, "http://")

	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodPost, httpsURL, strings.NewReader(goodEvent))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, sink.LogRecordCount())

	// Plain HTTP on the TLS port gets no webhook answer.
	plain, err := http.Post(url, "application/json", strings.NewReader(goodEvent))
	if err == nil {
		assert.Equal(t, http.StatusBadRequest, plain.StatusCode, "Go's TLS server answers plain HTTP with 400")
		plain.Body.Close()
	}
	assert.Equal(t, 1, sink.LogRecordCount())
}

func selfSignedCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "opptima-test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// slowSink takes a while per request, so a shutdown finds requests in flight.
type slowSink struct {
	consumertest.LogsSink
}

func (s *slowSink) ConsumeLogs(ctx context.Context, logs plog.Logs) error {
	time.Sleep(30 * time.Millisecond)
	return s.LogsSink.ConsumeLogs(ctx, logs)
}

func (s *slowSink) Capabilities() consumer.Capabilities { return consumer.Capabilities{} }

// TestShutdownDuringLoad: every request answered 200 had its event taken
// by the pipeline; requests the shutdown cut off were never answered 200.
func TestShutdownDuringLoad(t *testing.T) {
	sink := &slowSink{}
	cfg := NewFactory().CreateDefaultConfig().(*Config)
	cfg.NetAddr.Endpoint = "127.0.0.1:0"
	cfg.APIKeys = []configopaque.String{testKey}
	rcv, err := NewFactory().CreateLogs(context.Background(), receivertest.NewNopSettings(metadata.Type), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, rcv.Start(context.Background(), componenttest.NewNopHost()))
	url := "http://" + rcv.(*webhookReceiver).addr.String() + cfg.Path

	transport := &http.Transport{}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	var ok200, refused atomic.Int64
	var wg sync.WaitGroup
	deadline := time.Now().Add(400 * time.Millisecond)
	for range 32 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(goodEvent))
				req.Header.Set("Authorization", "Bearer "+testKey)
				resp, err := client.Do(req)
				if err != nil {
					refused.Add(1)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					ok200.Add(1)
				} else {
					refused.Add(1)
				}
			}
		})
	}
	time.Sleep(150 * time.Millisecond)
	require.NoError(t, rcv.Shutdown(context.Background()))
	wg.Wait()

	assert.Positive(t, ok200.Load())
	assert.Positive(t, refused.Load(), "the shutdown did cut requests off")
	assert.Equal(t, int(ok200.Load()), sink.LogRecordCount(), "every 200 is an event the pipeline took, and only those")
}
