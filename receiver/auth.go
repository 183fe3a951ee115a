// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package opptimareceiver

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"go.opentelemetry.io/collector/config/configopaque"

	"github.com/opptimaotel/opptimareceiver/receiver/internal/metadata"
)

// keyChecker checks "Authorization: Bearer <key>" against the configured
// keys and tells which account a key belongs to. It compares SHA-256
// digests in constant time and always walks every key, so neither the
// key's length, nor whether it matched, nor which key or account matched
// leaks through timing. It never logs or returns a key.
type keyChecker struct {
	digests  [][sha256.Size]byte
	accounts []string // the account of each digest; "" for api_keys
}

func newKeyChecker(cfg *Config) *keyChecker {
	c := &keyChecker{}
	add := func(account string, keys []configopaque.String) {
		for _, key := range keys {
			c.digests = append(c.digests, sha256.Sum256([]byte(strings.TrimSpace(string(key)))))
			c.accounts = append(c.accounts, account)
		}
	}
	add("", cfg.APIKeys)
	for _, account := range cfg.Accounts {
		add(account.Name, account.APIKeys)
	}
	return c
}

// compareDigests is subtle.ConstantTimeCompare; a test counts its calls to
// check that every key is compared on every request.
var compareDigests = subtle.ConstantTimeCompare

// enabled is false when only an auth extension guards the endpoint.
func (c *keyChecker) enabled() bool { return len(c.digests) > 0 }

// check reports whether the request carries exactly one Authorization
// header with the Bearer scheme (any case) and a configured key, and the
// account of that key ("" for a key of api_keys).
func (c *keyChecker) check(h http.Header) (account string, ok bool) {
	values := h.Values("Authorization")
	if len(values) != 1 {
		return "", false
	}
	scheme, token, found := strings.Cut(values[0], " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	if token == "" {
		return "", false
	}
	given := sha256.Sum256([]byte(token))
	match, matched := 0, 0
	for i := range c.digests {
		equal := compareDigests(given[:], c.digests[i][:])
		matched = subtle.ConstantTimeSelect(equal, i, matched)
		match |= equal
	}
	if match != 1 {
		return "", false
	}
	return c.accounts[matched], true
}

// authProblem says what is wrong with a refused request's Authorization,
// for the log: never the key itself, and only computed once check has
// refused. The sender gets one answer whatever was wrong.
// authReason is authProblem as the requests-refused counter names it.
func authReason(h http.Header) metadata.AttributeReason {
	values := h.Values("Authorization")
	if len(values) != 1 {
		return metadata.AttributeReasonUnauthorizedNoKey
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	switch {
	case !strings.EqualFold(scheme, "Bearer"):
		return metadata.AttributeReasonUnauthorizedNotBearer
	case strings.TrimSpace(token) == "":
		return metadata.AttributeReasonUnauthorizedNoKey
	}
	return metadata.AttributeReasonUnauthorizedUnknownKey
}

func authProblem(h http.Header) string {
	values := h.Values("Authorization")
	switch {
	case len(values) == 0:
		return `no Authorization header: send "Authorization: Bearer <key>" with a key from api_keys`
	case len(values) > 1:
		return `more than one Authorization header: send exactly one, "Authorization: Bearer <key>"`
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	switch {
	case !strings.EqualFold(scheme, "Bearer"):
		return `the Authorization header is not a Bearer token: send "Authorization: Bearer <key>"`
	case strings.TrimSpace(token) == "":
		return `the Bearer token is empty: send "Authorization: Bearer <key>"`
	}
	return "the API key is not one of the configured keys (api_keys, accounts)"
}
