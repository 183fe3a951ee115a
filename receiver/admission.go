// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"net/http"
	"sync/atomic"
)

// admission bounds the request bytes being read and converted at once. A
// request is converted whole before it is acknowledged, and a converted
// body takes many times its size in memory, so without a bound many large
// requests at once can take more memory than a pod has. Past the bound a
// request is answered 503 before its body is read; its events arrive only
// if the sender resends it.
type admission struct {
	limit    int64
	inFlight atomic.Int64
}

// inFlightPerMaxBody is the default bound in maximum-size bodies: low
// enough that the worst bodies at once stay well inside a 512 MiB process
// (RELIABILITY.md, "Admission control", has the measurements), high enough
// that Opptima's half-KiB events never meet it.
const inFlightPerMaxBody = 8

func newAdmission(cfg *Config) *admission {
	return &admission{limit: cfg.maxInFlightBytes()}
}

// reserve claims room for req's body before it is read: its Content-Length
// when it is known and the body is not compressed (decompression can grow
// it up to max_request_body_size), else max_request_body_size. It returns
// the bytes claimed, or false when there is no room.
func (a *admission) reserve(req *http.Request, maxBody int64) (int64, bool) {
	n := maxBody
	if req.ContentLength >= 0 && req.ContentLength < maxBody && req.Header.Get("Content-Encoding") == "" {
		n = req.ContentLength
	}
	for {
		current := a.inFlight.Load()
		if current+n > a.limit {
			return 0, false
		}
		if a.inFlight.CompareAndSwap(current, current+n) {
			return n, true
		}
	}
}

// release gives back n claimed bytes.
func (a *admission) release(n int64) { a.inFlight.Add(-n) }
