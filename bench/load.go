// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package main

// The targets, one measurement of each (a load of c connections for a
// duration), and the small helpers of the figures.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func median(values []float64) float64 {
	sorted := slices.Sorted(slices.Values(values))
	if n := len(sorted); n%2 == 0 {
		return (sorted[n/2-1] + sorted[n/2]) / 2
	}
	return sorted[len(sorted)/2]
}

type result struct {
	rps        float64
	p50, p99   time.Duration
	cpuPer1k   float64
	peakRSSMiB float64
}

type server struct {
	addr  string
	pid   int
	stop  func()
	pprof string // pprof extension address, with -cpuprofile
}

// profileDir is where -cpuprofile saves profiles; empty when off.
var profileDir string

func saveProfile(addr string, d time.Duration, path string) {
	resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, int(d.Seconds())))
	check(err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	check(err)
	check(os.WriteFile(path, data, 0o600))
}

type target struct {
	name   string
	path   string
	body   []byte
	events int
	start  func() server
}

// run starts a fresh server (so peak RSS is this measurement's), warms it
// up, then loads it with c keep-alive connections for d.
func (t target) run(c int, d time.Duration) result {
	srv := t.start()
	defer srv.stop()
	url := "http://" + srv.addr + t.path
	load(url, t.body, c, time.Second) // warm-up
	cpuBefore := cpuSeconds(srv.pid)
	if profileDir != "" && srv.pprof != "" {
		go saveProfile(srv.pprof, d-time.Second, filepath.Join(profileDir, fmt.Sprintf("%s-%d.prof", t.name, c)))
	}
	requests, latencies := load(url, t.body, c, d)
	cpu := cpuSeconds(srv.pid) - cpuBefore
	slices.Sort(latencies)
	return result{
		rps:        float64(requests) / d.Seconds(),
		p50:        percentile(latencies, 0.50),
		p99:        percentile(latencies, 0.99),
		cpuPer1k:   cpu / float64(requests*t.events) * 1000,
		peakRSSMiB: peakRSS(srv.pid),
	}
}

func (t target) soak(c int, d time.Duration) []float64 {
	srv := t.start()
	defer srv.stop()
	url := "http://" + srv.addr + t.path
	var samples []float64
	for elapsed := time.Duration(0); elapsed < d; elapsed += 5 * time.Second {
		load(url, t.body, c, 5*time.Second)
		samples = append(samples, currentRSS(srv.pid))
	}
	return samples
}

// load posts body with c connections, each sending its next request as soon
// as the last one is answered, for d. Every answer must be 200.
func load(url string, body []byte, c int, d time.Duration) (int, []time.Duration) {
	transport := &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()

	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			var mine []time.Duration
			for ctx.Err() == nil {
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+apiKey)
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					fmt.Fprintf(os.Stderr, "%s answered %d\n", url, resp.StatusCode)
					os.Exit(1)
				}
				if ctx.Err() == nil {
					mine = append(mine, time.Since(start))
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return len(all), all
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func parseInts(list string) []int {
	var out []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		check(err)
		out = append(out, n)
	}
	return out
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
