// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs every test from examples/, so that a test names a shipped
// file as a user does ("production.yaml", "alerts/bounce-rate.rules.yml")
// and can never run a copy of its own.
func TestMain(m *testing.M) {
	if err := os.Chdir("../examples"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
