// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package main

import "github.com/opptimaotel/opptimareceiver/internal/proctest"

// cpuSeconds, peakRSS and currentRSS read the server's /proc.
func cpuSeconds(pid int) float64 {
	seconds, err := proctest.CPUSeconds(pid)
	check(err)
	return seconds
}

func peakRSS(pid int) float64    { return statusMiB(pid, "VmHWM:") }
func currentRSS(pid int) float64 { return statusMiB(pid, "VmRSS:") }

func statusMiB(pid int, field string) float64 {
	mib, err := proctest.StatusMiB(pid, field)
	check(err)
	return float64(int(mib*10)) / 10
}

// growth compares the mean of the last third of the samples with the first.
func growth(samples []float64) float64 {
	third := max(1, len(samples)/3)
	mean := func(s []float64) float64 {
		var sum float64
		for _, v := range s {
			sum += v
		}
		return sum / float64(len(s))
	}
	return mean(samples[len(samples)-third:]) - mean(samples[:third])
}
