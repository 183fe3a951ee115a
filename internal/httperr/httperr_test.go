// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

package httperr

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/consumer/consumererror"
)

func TestStatusFromConsumeError(t *testing.T) {
	assert.Equal(t, http.StatusServiceUnavailable, StatusFromConsumeError(errors.New("queue is full")))
	assert.Equal(t, http.StatusBadRequest, StatusFromConsumeError(consumererror.NewPermanent(errors.New("bad data"))))
	wrapped := errors.Join(errors.New("context"), consumererror.NewPermanent(errors.New("bad data")))
	assert.Equal(t, http.StatusBadRequest, StatusFromConsumeError(wrapped))
}

func TestWriteSetsRetryAfterOnlyWhenRetryable(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, http.StatusServiceUnavailable, "try later")
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Equal(t, "5", rec.Header().Get("Retry-After"))
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.JSONEq(t, `{"error":"try later"}`, rec.Body.String())

	rec = httptest.NewRecorder()
	Write(rec, http.StatusBadRequest, `quote " and <tag>`)
	assert.Empty(t, rec.Header().Get("Retry-After"))
	assert.JSONEq(t, `{"error":"quote \" and <tag>"}`, rec.Body.String())
}
