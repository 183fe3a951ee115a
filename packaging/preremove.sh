#!/bin/sh
# Copyright The opptimareceiver Authors
# SPDX-License-Identifier: Apache-2.0
# Stopped on removal, not on upgrade (deb: "upgrade"; rpm: $1 is 1). The
# queue in /var/lib/otelcol-opptima stays: it may hold acknowledged events.
case "$1" in
  remove|purge|0)
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      systemctl disable --now otelcol-opptima.service || true
    fi ;;
esac
exit 0
