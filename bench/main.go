// Command bench is the load benchmark behind `make bench`. On loopback, with
// one in-process load generator and the same settings for every target
// (keep-alive, a fixed number of connections, a fixed duration), it measures
// in one run:
//
//   - floor: a minimal net/http server that checks the bearer key, reads the
//     body and answers 200 (this binary, re-executed with -floor);
//   - opptima: otelcol-opptima, opptima receiver -> nop exporter, the
//     documented bounce as the body;
//   - otlp: the same binary's otlp receiver over HTTP/JSON -> nop, one log
//     record carrying what our mapping produces for that bounce;
//   - opptima-batch: opptima with arrays of 100 events per request;
//   - opptima+metrics: opptima also in a metrics pipeline (-> nop), so that
//     it counts every event: what the counters cost;
//
// and, to show where the time goes: floor+convert (the floor plus our
// decode + map) and opptima-min (the Collector with the smallest event).
//
// It prints requests/s, events/s, p50/p99 latency, CPU seconds per 1,000
// events and peak RSS of the server, then the ratios the targets are set in.
// With -repeat N it measures every target N times, in turn, and reports
// medians.
package main

import (
	"bytes"
	"context"
	"flag"
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

const apiKey = "bench-key-3c7e1a"

func main() {
	floor := flag.String("floor", "", "internal: serve the floor server on this address")
	convert := flag.Bool("convert", false, "internal: with -floor, also decode and map each body")
	otelcol := flag.String("otelcol", "_build/otelcol-opptima", "the built Collector")
	payloadPath := flag.String("payload", "testdata/payloads/smtp-bounce.json", "the event posted")
	duration := flag.Duration("duration", 10*time.Second, "length of each measurement")
	connsFlag := flag.String("conns", "1,16,256", "connection counts")
	soak := flag.Duration("soak", 60*time.Second, "length of the RSS soak at the highest connection count (0 to skip)")
	only := flag.String("only", "", "comma-separated targets to run (default: all)")
	repeat := flag.Int("repeat", 1, "rounds over all targets; figures are medians over them")
	flag.StringVar(&profileDir, "cpuprofile", "", "directory for CPU profiles of the Collector, one per measurement")
	flag.Parse()

	if *floor != "" {
		serveFloor(*floor, *convert)
		return
	}
	event, err := os.ReadFile(*payloadPath)
	check(err)
	conns := parseInts(*connsFlag)

	targets := []target{
		{name: "floor", path: "/opptima", body: event, events: 1, start: startFloor(false)},
		{name: "floor+convert", path: "/opptima", body: event, events: 1, start: startFloor(true)},
		{name: "opptima", path: "/opptima", body: event, events: 1, start: collectorStarter(*otelcol, opptimaConfig)},
		{name: "otlp", path: "/v1/logs", body: otlpBody(event), events: 1, start: collectorStarter(*otelcol, otlpConfig)},
		{name: "opptima-batch", path: "/opptima", body: batchOf(event, 100), events: 100, start: collectorStarter(*otelcol, opptimaConfig)},
		{name: "opptima+metrics", path: "/opptima", body: event, events: 1, start: collectorStarter(*otelcol, opptimaCountingConfig)},
		// The smallest event the receiver accepts: what the Collector's HTTP
		// path costs when decoding and mapping cost next to nothing, so the
		// best any decoder could do.
		{name: "opptima-min", path: "/opptima", body: []byte(`{"event":"bounce"}`), events: 1, start: collectorStarter(*otelcol, opptimaConfig)},
	}

	if *only != "" {
		targets = slices.DeleteFunc(targets, func(t target) bool { return !slices.Contains(strings.Split(*only, ","), t.name) })
	}
	// Each round measures every target once, in turn, so that a slow spell
	// of this shared machine hits all of them; the figures reported are the
	// medians over the rounds, and each ratio is the median of the ratios
	// taken within one round.
	rounds := make([]map[string]map[int]result, *repeat)
	fmt.Printf("%-5s %-14s %6s %10s %10s %9s %9s %12s %9s\n", "round", "target", "conns", "req/s", "events/s", "p50", "p99", "cpu s/1k ev", "peak RSS")
	for round := range rounds {
		rounds[round] = map[string]map[int]result{}
		for _, t := range targets {
			rounds[round][t.name] = map[int]result{}
			for _, c := range conns {
				r := t.run(c, *duration)
				rounds[round][t.name][c] = r
				printResult(fmt.Sprint(round+1), t, c, r)
			}
		}
	}
	if *repeat > 1 {
		fmt.Printf("\nmedians over %d rounds:\n", *repeat)
		for _, t := range targets {
			for _, c := range conns {
				printResult("med", t, c, medianResult(rounds, t.name, c))
			}
		}
	}

	if len(targets) == 7 {
		fmt.Printf("\nratios (median over %d rounds of the ratio within each round):\n", *repeat)
		for _, c := range conns {
			ratio := func(f func(r map[string]map[int]result) float64) float64 {
				var values []float64
				for _, r := range rounds {
					values = append(values, f(r))
				}
				return median(values)
			}
			fmt.Printf("  conns=%-4d opptima/floor req/s %.2f  p99 opptima/floor %.2f (target <= 2)  opptima/otlp req/s %.2f (target >= 1.1)  batch/single events/s %.1f  floor+convert/floor req/s %.2f  opptima-min/floor req/s %.2f  counting: CPU per event opptima+metrics/opptima %.3f (target <= 1.10), opptima+metrics/otlp req/s %.2f\n", c,
				ratio(func(r map[string]map[int]result) float64 { return r["opptima"][c].rps / r["floor"][c].rps }),
				ratio(func(r map[string]map[int]result) float64 {
					return float64(r["opptima"][c].p99) / float64(r["floor"][c].p99)
				}),
				ratio(func(r map[string]map[int]result) float64 { return r["opptima"][c].rps / r["otlp"][c].rps }),
				ratio(func(r map[string]map[int]result) float64 {
					return r["opptima-batch"][c].rps * 100 / r["opptima"][c].rps
				}),
				ratio(func(r map[string]map[int]result) float64 { return r["floor+convert"][c].rps / r["floor"][c].rps }),
				ratio(func(r map[string]map[int]result) float64 { return r["opptima-min"][c].rps / r["floor"][c].rps }),
				ratio(func(r map[string]map[int]result) float64 {
					return r["opptima+metrics"][c].cpuPer1k / r["opptima"][c].cpuPer1k
				}),
				ratio(func(r map[string]map[int]result) float64 { return r["opptima+metrics"][c].rps / r["otlp"][c].rps }))
		}
	}

	if i := slices.IndexFunc(targets, func(t target) bool { return t.name == "opptima" }); *soak > 0 && i >= 0 {
		c := slices.Max(conns)
		fmt.Printf("\nsoak: opptima, %d connections, %s, RSS every 5 s:\n", c, *soak)
		samples := targets[i].soak(c, *soak)
		fmt.Printf("  RSS MiB: %v\n", samples)
		fmt.Printf("  peak %.1f MiB (target <= 120); last third vs first third: %+.1f MiB\n", slices.Max(samples), growth(samples))
	}
}

func printResult(round string, t target, c int, r result) {
	fmt.Printf("%-5s %-14s %6d %10.0f %10.0f %9s %9s %12.4f %7.1fMiB\n", round, t.name, c, r.rps, r.rps*float64(t.events),
		r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.cpuPer1k, r.peakRSSMiB)
}

// medianResult is the median of each figure of one target over the rounds.
func medianResult(rounds []map[string]map[int]result, name string, c int) result {
	var rps, p50, p99, cpu, rss []float64
	for _, r := range rounds {
		x := r[name][c]
		rps, p50, p99 = append(rps, x.rps), append(p50, float64(x.p50)), append(p99, float64(x.p99))
		cpu, rss = append(cpu, x.cpuPer1k), append(rss, x.peakRSSMiB)
	}
	return result{rps: median(rps), p50: time.Duration(median(p50)), p99: time.Duration(median(p99)), cpuPer1k: median(cpu), peakRSSMiB: median(rss)}
}

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
