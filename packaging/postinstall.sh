#!/bin/sh
# Copyright The opptimareceiver Authors
# SPDX-License-Identifier: Apache-2.0
# The keys go in otelcol-opptima.conf: the service is not started here, as it
# refuses to start until OPPTIMA_API_KEY and LOKI_OTLP_ENDPOINT are set.
# An upgrade restarts a service that was running.
chgrp otelcol-opptima /etc/otelcol-opptima/otelcol-opptima.conf
chmod 0640 /etc/otelcol-opptima/otelcol-opptima.conf
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl try-restart otelcol-opptima.service
fi
exit 0
