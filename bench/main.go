// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

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
//   - otlp-batch: otlp with 100 such log records per request;
//   - opptima+metrics: opptima also in a metrics pipeline (-> nop), so that
//     it counts every event: what the counters cost;
//
// and, to show where the time goes: floor+convert (the floor plus our
// decode + map) and opptima-min (the Collector with the smallest event).
//
// It prints requests/s, events/s, p50/p99 latency, CPU seconds per 1,000
// events and peak RSS of the server, then the ratios the budgets are set
// in (opptima/otlp >= 1.1 and opptima-batch/otlp-batch events/s >= 1.0 at
// 16 and 256 connections, peak RSS <= 120 MiB; -check fails a missed one)
// and others for information.
// With -repeat N it measures every target N times, in turn, and reports
// medians.
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
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
	checkBudgets := flag.Bool("check", false, "exit 1 when a budget is missed (opptima/otlp >= 1.1 and opptima-batch/otlp-batch events/s >= 1.0 at 16 and 256 connections, peak RSS <= 120 MiB)")
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
		{name: "otlp-batch", path: "/v1/logs", body: otlpBody(batchOf(event, 100)), events: 100, start: collectorStarter(*otelcol, otlpConfig)},
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

	var missed []string
	if len(targets) == 8 {
		fmt.Printf("\nratios (median over %d rounds of the ratio within each round):\n", *repeat)
		for _, c := range conns {
			ratio := func(f func(r map[string]map[int]result) float64) float64 {
				var values []float64
				for _, r := range rounds {
					values = append(values, f(r))
				}
				return median(values)
			}
			rps := func(a, b string) float64 {
				return ratio(func(r map[string]map[int]result) float64 { return r[a][c].rps / r[b][c].rps })
			}
			otlp, batches := rps("opptima", "otlp"), rps("opptima-batch", "otlp-batch")
			fmt.Printf("  conns=%-4d budgets: opptima/otlp req/s %.2f (>= 1.1, goal 1.3)  opptima-batch/otlp-batch events/s %.2f (>= 1.0, goal 2)\n", c, otlp, batches)
			fmt.Printf("  conns=%-4d information: batch/single events/s %.1f  opptima/floor req/s %.2f  p99 opptima/floor %.2f  floor+convert/floor req/s %.2f  opptima-min/floor req/s %.2f  CPU per event opptima+metrics/opptima %.3f\n", c,
				100*rps("opptima-batch", "opptima"), rps("opptima", "floor"),
				ratio(func(r map[string]map[int]result) float64 {
					return float64(r["opptima"][c].p99) / float64(r["floor"][c].p99)
				}),
				rps("floor+convert", "floor"), rps("opptima-min", "floor"),
				ratio(func(r map[string]map[int]result) float64 {
					return r["opptima+metrics"][c].cpuPer1k / r["opptima"][c].cpuPer1k
				}))
			if c == 16 || c == 256 {
				if otlp < 1.1 {
					missed = append(missed, fmt.Sprintf("opptima/otlp %.2f < 1.1 at %d connections", otlp, c))
				}
				if batches < 1.0 {
					missed = append(missed, fmt.Sprintf("opptima-batch/otlp-batch %.2f < 1.0 at %d connections", batches, c))
				}
			}
		}
	}

	if i := slices.IndexFunc(targets, func(t target) bool { return t.name == "opptima" }); *soak > 0 && i >= 0 {
		c := slices.Max(conns)
		fmt.Printf("\nsoak: opptima, %d connections, %s, RSS every 5 s:\n", c, *soak)
		samples := targets[i].soak(c, *soak)
		fmt.Printf("  RSS MiB: %v\n", samples)
		fmt.Printf("  peak %.1f MiB (target <= 120); last third vs first third: %+.1f MiB\n", slices.Max(samples), growth(samples))
		if peak := slices.Max(samples); peak > 120 {
			missed = append(missed, fmt.Sprintf("peak RSS %.1f MiB > 120", peak))
		}
	}
	for _, m := range missed {
		fmt.Println("budget missed:", m)
	}
	if *checkBudgets && len(missed) > 0 {
		os.Exit(1)
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
