package receiver

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"go.opentelemetry.io/collector/config/configopaque"
)

// keyChecker checks "Authorization: Bearer <key>" against the configured
// keys. It compares SHA-256 digests in constant time and always walks every
// key, so neither the key's length nor which key matched leaks through
// timing. It never logs or returns a key.
type keyChecker struct {
	digests [][sha256.Size]byte
}

func newKeyChecker(keys []configopaque.String) *keyChecker {
	c := &keyChecker{}
	for _, key := range keys {
		c.digests = append(c.digests, sha256.Sum256([]byte(strings.TrimSpace(string(key)))))
	}
	return c
}

// enabled is false when only an auth extension guards the endpoint.
func (c *keyChecker) enabled() bool { return len(c.digests) > 0 }

// allows reports whether the request carries exactly one Authorization
// header with the Bearer scheme (any case) and a configured key.
func (c *keyChecker) allows(h http.Header) bool {
	values := h.Values("Authorization")
	if len(values) != 1 {
		return false
	}
	scheme, token, found := strings.Cut(values[0], " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	token = strings.TrimLeft(token, " ")
	if token == "" {
		return false
	}
	given := sha256.Sum256([]byte(token))
	match := 0
	for i := range c.digests {
		match |= subtle.ConstantTimeCompare(given[:], c.digests[i][:])
	}
	return match == 1
}
