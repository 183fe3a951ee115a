package opptimareceiver

import (
	"net/http"
	"sync/atomic"
)

// admission bounds the request bytes being read and converted at once. A
// request is converted whole before it is acknowledged, and a converted
// body takes up to ~23 times its size in memory (RELIABILITY.md), so
// without a bound, many large requests at once can take more memory than a
// pod has. Past the bound a request is answered 503 before its body is
// read; the sender resends it later.
type admission struct {
	limit    int64
	inFlight atomic.Int64
}

// inFlightPerMaxBody is the default bound in maximum-size bodies: 8 worst
// cases of the default 1 MiB limit convert in some 190 MiB (the garbage
// collector lets the heap grow to about twice that), and 8 MiB still admits
// some 16,000 of Opptima's half-KiB events at once.
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
