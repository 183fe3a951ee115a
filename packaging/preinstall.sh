#!/bin/sh
# Copyright The opptimareceiver Authors
# SPDX-License-Identifier: Apache-2.0
# The service's own system user and group, created once.
getent group otelcol-opptima >/dev/null || groupadd --system otelcol-opptima
getent passwd otelcol-opptima >/dev/null || \
  useradd --system --gid otelcol-opptima --no-create-home --home-dir /var/lib/otelcol-opptima \
    --shell /usr/sbin/nologin --comment "otelcol-opptima" otelcol-opptima
exit 0
