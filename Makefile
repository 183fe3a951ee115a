# The two front-door commands are `make run` and `make test` (see README).
# Every tool used here is installed by this Makefile: nothing is assumed on
# the machine beyond Go (and root or sudo for Debian's promtool).

GO            ?= go
OCB_VERSION   := v0.165.0
VLOGS_VERSION := v1.52.1
VM_VERSION    := v1.151.0
KUSTOMIZE_VERSION := v5.7.1
NFPM_VERSION  := v2.48.0
CYCLONEDX_VERSION := v1.10.0

BUILD   := $(CURDIR)/_build
TOOLS   := $(BUILD)/tools
OCB     := $(TOOLS)/builder
VLOGS   := $(TOOLS)/victoria-logs
VMALERT := $(TOOLS)/vmalert
KUSTOMIZE := $(TOOLS)/kustomize
NFPM    := $(TOOLS)/nfpm
CYCLONEDX := $(TOOLS)/cyclonedx-gomod
OTELCOL := $(BUILD)/otelcol-opptima

# The Collector is rebuilt when the receiver or the build config changes.
RECEIVER_SOURCES := $(shell find receiver internal -name '*.go' -not -name '*_test.go') go.mod go.sum builder-config.yaml

.PHONY: run build image image-builder manifests kustomize release-snapshot release-test release-tools test unit-test e2e-test rules-test generate bench fuzz tools promtool container-tools clean

## run: build the Collector if stale and run it with examples/local.yaml
run: $(OTELCOL)
	@if [ -z "$$OPPTIMA_API_KEY" ]; then \
	  echo "*** OPPTIMA_API_KEY is not set: using the LOCAL-ONLY key 'local-only-insecure-key'. Never expose this endpoint with it. ***"; \
	else echo "Using the API key from OPPTIMA_API_KEY."; fi
	@echo "Webhook: POST http://localhost:8080/opptima   Counters: http://localhost:8889/metrics (every second)"
	@echo "Refused webhooks are logged as 'Opptima webhook refused'. The Collector's own metrics: http://localhost:8888/metrics"
	@# An empty OPPTIMA_API_KEY is unset, so that the config's default applies.
	if [ -z "$$OPPTIMA_API_KEY" ]; then unset OPPTIMA_API_KEY; fi; $(OTELCOL) --config examples/local.yaml

## build: build _build/otelcol-opptima with ocb
build: $(OTELCOL)

$(OTELCOL): $(OCB) $(RECEIVER_SOURCES)
	CGO_ENABLED=0 $(OCB) --config builder-config.yaml
	@touch $@

$(OCB):
	GOBIN=$(TOOLS) $(GO) install go.opentelemetry.io/collector/cmd/builder@$(OCB_VERSION)

$(VLOGS):
	GOBIN=$(TOOLS) $(GO) install github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs@$(VLOGS_VERSION)

$(VMALERT):
	GOBIN=$(TOOLS) $(GO) install github.com/VictoriaMetrics/VictoriaMetrics/app/vmalert@$(VM_VERSION)

$(KUSTOMIZE):
	GOBIN=$(TOOLS) $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

## kustomize: install kustomize in _build/tools, for `$(KUSTOMIZE) build deploy/kubernetes`
kustomize: $(KUSTOMIZE)
	@echo "kustomize: $(KUSTOMIZE)"

$(NFPM):
	GOBIN=$(TOOLS) $(GO) install github.com/goreleaser/nfpm/v2/cmd/nfpm@$(NFPM_VERSION)

$(CYCLONEDX):
	GOBIN=$(TOOLS) $(GO) install github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod@$(CYCLONEDX_VERSION)

## release-snapshot: a release in _build/dist, published nowhere: binaries, .deb and .rpm, the image and SBOMs for linux amd64 and arm64, checksums
# The version: on a tag vX.Y.Z, X.Y.Z, which must be builder-config.yaml's
# dist.version; elsewhere that version as a snapshot of this commit.
DIST         := $(BUILD)/dist
DIST_VERSION := $(shell sed -n 's/^  version: //p' builder-config.yaml)
GIT_TAG      := $(shell git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null)
VERSION      ?= $(if $(GIT_TAG),$(GIT_TAG:v%=%),$(DIST_VERSION)-snapshot+$(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown))
release-snapshot: $(OCB) $(NFPM) $(CYCLONEDX) container-tools
	@if [ -n "$(GIT_TAG)" ] && [ "$(GIT_TAG)" != "v$(DIST_VERSION)" ]; then \
	  echo "tag $(GIT_TAG) is not v + builder-config.yaml's dist.version ($(DIST_VERSION)): see CHANGELOG.md, Releasing" >&2; exit 1; fi
	VERSION=$(VERSION) DIST=$(DIST) OCB=$(OCB) NFPM=$(NFPM) CYCLONEDX=$(CYCLONEDX) PODMAN=$$(command -v podman) \
	  ARCHES="amd64 arm64" bash packaging/release.sh

## release-test: build a release snapshot and check it (packages, install, unit, version, image, SBOM)
release-test: release-snapshot release-tools
	RELEASE_DIST=$(DIST) RELEASE_VERSION=$(VERSION) $(GO) test -count=1 ./packaging

## release-tools: rpm (to read the .rpm) and systemd (systemd-analyze) from Debian when missing
release-tools:
	@command -v rpm >/dev/null 2>&1 && command -v systemd-analyze >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends rpm systemd dpkg >/dev/null; }

## image: build the otelcol-opptima container image (podman, else docker)
IMAGE ?= otelcol-opptima:0.1.0
IMAGE_CONTEXT := $(BUILD)/image
image: $(OTELCOL) image-builder
	rm -rf $(IMAGE_CONTEXT) && mkdir -p $(IMAGE_CONTEXT)/queue
	cp $(OTELCOL) $(IMAGE_CONTEXT)/otelcol-opptima
	cp /etc/ssl/certs/ca-certificates.crt $(IMAGE_CONTEXT)/ca-certificates.crt
	cp examples/production.yaml $(IMAGE_CONTEXT)/config.yaml
	if command -v podman >/dev/null 2>&1; then podman --storage-driver vfs build --isolation chroot -f Containerfile -t $(IMAGE) $(IMAGE_CONTEXT); \
	elif docker info >/dev/null 2>&1; then docker build -f Containerfile -t $(IMAGE) $(IMAGE_CONTEXT); \
	else echo "make image needs podman (apt-get install podman) or a running docker daemon" >&2; exit 1; fi

## image-builder: podman or a running docker daemon, and CA certificates; podman is installed from Debian only when neither is there
# With docker and no root, nothing is installed: sudo may not exist.
image-builder:
	@[ -f /etc/ssl/certs/ca-certificates.crt ] && { command -v podman >/dev/null 2>&1 || docker info >/dev/null 2>&1; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends podman ca-certificates >/dev/null; }

## container-tools: podman, HAProxy and CA certificates from Debian when missing
# The image tests drive podman (its vfs storage needs no daemon), so make
# test installs it even where docker is there; `make image` alone uses
# docker when podman is absent.
container-tools:
	@command -v podman >/dev/null 2>&1 && command -v haproxy >/dev/null 2>&1 \
	  && [ -f /etc/ssl/certs/ca-certificates.crt ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends podman haproxy ca-certificates >/dev/null; }

## manifests: the files generated from others: the ConfigMap (production.yaml), the PrometheusRules and the AlertmanagerConfig (examples/alerts), the dashboard JSON (deploy/dashboard) and its ConfigMap
MONITORING := deploy/kubernetes/monitoring
DASHBOARD  := deploy/dashboard/opptima-bounces.json
manifests: deploy/kubernetes/configmap.yaml $(MONITORING)/prometheusrule.yaml $(MONITORING)/alertmanagerconfig.yaml $(DASHBOARD) $(MONITORING)/grafana-dashboard.yaml
deploy/kubernetes/configmap.yaml: examples/production.yaml
	{ echo '# Generated from examples/production.yaml by `make manifests`: edit that file.'; \
	  echo 'apiVersion: v1'; echo 'kind: ConfigMap'; echo 'metadata:'; echo '  name: otelcol-opptima'; \
	  echo 'data:'; echo '  config.yaml: |'; sed 's/^/    /; s/^    $$//' $<; } > $@

# One PrometheusRule per rules file; each file's groups become its spec.
$(MONITORING)/prometheusrule.yaml: examples/alerts/bounce-rate.rules.yml examples/alerts/collector.rules.yml
	{ echo '# Generated from examples/alerts/*.rules.yml by `make manifests`: edit those files.'; \
	  sep=''; for f in $^; do \
	    name=opptima-$$(basename $$f .rules.yml); \
	    [ -z "$$sep" ] || echo '---'; sep=1; \
	    echo 'apiVersion: monitoring.coreos.com/v1'; echo 'kind: PrometheusRule'; echo 'metadata:'; echo "  name: $$name"; \
	    echo 'spec:'; sed 's/^/  /; s/^  $$//' $$f; \
	  done; } > $@

$(MONITORING)/alertmanagerconfig.yaml: examples/alerts/alertmanager.yml
	$(GO) test ./deploy/kubernetes -run '^TestAlertmanagerConfigIsTheShippedRouting$$' -update

$(DASHBOARD): deploy/dashboard/dashboard.go
	$(GO) test ./deploy/dashboard -run '^TestCommittedJSONIsTheCode$$' -update

# Grafana's dashboard sidecar loads ConfigMaps labelled grafana_dashboard.
$(MONITORING)/grafana-dashboard.yaml: $(DASHBOARD)
	{ echo '# Generated from $(DASHBOARD) by `make manifests`: edit deploy/dashboard/dashboard.go.'; \
	  echo 'apiVersion: v1'; echo 'kind: ConfigMap'; echo 'metadata:'; echo '  name: opptima-bounces-dashboard'; \
	  echo '  labels:'; echo '    grafana_dashboard: "1"'; \
	  echo 'data:'; echo '  opptima-bounces.json: |'; sed 's/^/    /; s/^    $$//' $<; } > $@

## promtool: install Debian's prometheus and prometheus-alertmanager packages (promtool, amtool and both servers) when missing
promtool:
	@command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 \
	  && command -v amtool >/dev/null 2>&1 && command -v prometheus-alertmanager >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null; }

tools: $(OCB) $(VLOGS) $(VMALERT) promtool

## test: every test: unit, golden, server, end-to-end against the built Collector and VictoriaLogs, alert rules
test: rules-test unit-test e2e-test release-test

unit-test: $(KUSTOMIZE)
	$(GO) vet ./...
	KUSTOMIZE_BIN=$(KUSTOMIZE) $(GO) test -race -count=1 ./receiver/... ./internal/... ./provider/... ./deploy/...
	$(GO) test -count=1 -run '^$$' -bench . -benchtime=1x ./internal/... ./receiver/...
	$(MAKE) fuzz FUZZTIME=20000x

## e2e-test: the end-to-end tests (e2e/, build tag e2e) against the built Collector, its image and real backends, Prometheus, Alertmanager and HAProxy
e2e-test: $(OTELCOL) $(VLOGS) $(VMALERT) promtool container-tools image
	$(GO) vet -tags e2e ./e2e/...
	OPPTIMA_E2E=1 OTELCOL_BIN=$(OTELCOL) VICTORIA_LOGS_BIN=$(VLOGS) VMALERT_BIN=$(VMALERT) PROMETHEUS_BIN=$$(command -v prometheus) \
	  ALERTMANAGER_BIN=$$(command -v prometheus-alertmanager) AMTOOL_BIN=$$(command -v amtool) PROMTOOL_BIN=$$(command -v promtool) \
	  PODMAN_BIN=$$(command -v podman) HAPROXY_BIN=$$(command -v haproxy) IMAGE=$(IMAGE) \
	  $(GO) test -tags e2e -count=1 -parallel 4 -timeout 20m ./e2e/...

rules-test: promtool
	promtool check rules examples/alerts/bounce-rate.rules.yml examples/alerts/collector.rules.yml
	promtool test rules examples/alerts/bounce-rate.test.yml examples/alerts/collector.test.yml
	amtool check-config examples/alerts/alertmanager.yml
	amtool config routes test --config.file=examples/alerts/alertmanager.yml --verify.receivers=pages severity=page
	amtool config routes test --config.file=examples/alerts/alertmanager.yml --verify.receivers=tickets severity=ticket
	PROMTOOL_BIN=$$(command -v promtool) $(GO) test -count=1 -timeout 30m ./internal/alertsim

## bench: decode+map micro-benchmarks (ratio to encoding/json), then the load benchmark (bench/); fails when a budget is missed
bench: $(OTELCOL)
	$(GO) test -run '^$$' -bench . -benchtime=2s ./internal/opptima -check-budget
	$(GO) run ./bench -otelcol $(OTELCOL) -repeat 3 -check

## fuzz: run each fuzz target for FUZZTIME (make test runs a smoke of 20,000 inputs each)
# make test counts inputs rather than seconds: a -fuzztime in seconds is a
# wall-clock deadline, and Go's fuzzing coordinator can fail a target with a
# bare "context deadline exceeded" (no crasher) when a loaded machine's worker
# misses it. A count has no deadline.
FUZZTIME ?= 2m
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzToLogs$$' -fuzztime $(FUZZTIME) ./internal/opptima
	$(GO) test -run '^$$' -fuzz '^FuzzScannerAgainstEncodingJSON$$' -fuzztime $(FUZZTIME) ./internal/opptima
	$(GO) test -run '^$$' -fuzz '^FuzzHandler$$' -fuzztime $(FUZZTIME) ./receiver
	$(GO) test -run '^$$' -fuzz '^FuzzHTTPHandler$$' -fuzztime $(FUZZTIME) ./receiver

## generate: regenerate receiver/internal/metadata and the generated tests from metadata.yaml, then what derives from it and the schema: the counter's recording (receiver/generated_counter_points.go) and the counter table of docs/counters.md; and docs/records.md's leave-one-source-out table of every source
# mdatagen names the test files' package after the folder (receiver); the
# package is opptimareceiver, as contrib names its receivers. mdatagen
# v0.159.0's metrics test passes an enum constant where the option for a
# conditionally required enum attribute takes its string: the second sed
# adds the .String() (core's newer mdatagen is not served here).
generate:
	sed -i 's/^package receiver$$/package opptimareceiver/' receiver/generated_*_test.go
	cd receiver && $(GO) tool mdatagen metadata.yaml
	sed -i 's/^package receiver$$/package opptimareceiver/' receiver/generated_*_test.go
	sed -i -E 's/(With[A-Za-z]+MetricAttribute\()(Attribute[A-Za-z]+)\)/\1\2.String())/g' receiver/internal/metadata/generated_metrics_test.go
	$(GO) run ./receiver/internal/generate
	$(GO) test ./internal/bounce -run '^TestRecordsReportEverySource$$' -update

clean:
	rm -rf $(BUILD)
