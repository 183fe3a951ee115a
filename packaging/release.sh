#!/usr/bin/env bash
# Copyright The opptimareceiver Authors
# SPDX-License-Identifier: Apache-2.0
# Builds a release of otelcol-opptima into DIST, publishing nothing:
#   otelcol-opptima_<version>_linux_<arch>            the binary (ocb, static)
#   otelcol-opptima_<version>_linux_<arch>.cdx.json   its SBOM (CycloneDX, from the binary's module info)
#   otelcol-opptima_<version>_<arch>.deb, otelcol-opptima-<version>-1.<arch>.rpm   (nfpm)
#   otelcol-opptima_<version>_image.tar               the image for every architecture, one OCI archive
#   otelcol-opptima_<version>_checksums.txt           sha256 of everything above
# Called by `make release-snapshot` with the tools it installed:
#   VERSION DIST OCB NFPM CYCLONEDX PODMAN ARCHES
set -euo pipefail
: "${VERSION:?}" "${DIST:?}" "${OCB:?}" "${NFPM:?}" "${CYCLONEDX:?}" "${PODMAN:?}" "${ARCHES:?}"

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(dirname "$DIST")/release
# An image tag has no "+": a snapshot's build metadata becomes "-".
tag=${VERSION//+/-}
podman() { "$PODMAN" --storage-driver vfs "$@"; }

rm -rf "$DIST" "$work"
mkdir -p "$DIST" "$work"
podman manifest rm "otelcol-opptima:$tag" >/dev/null 2>&1 || true

for arch in $ARCHES; do
  out=$work/$arch
  mkdir -p "$out"
  # builder-config.yaml with this version, this output folder, and the
  # checkout replaced by its absolute path.
  sed -e "s#^  version: .*#  version: $VERSION#" \
      -e "s#^  output_path: .*#  output_path: $out#" \
      -e "s#=> \.\./\$#=> $repo#" \
      "$repo/builder-config.yaml" >"$out/builder-config.yaml"
  CGO_ENABLED=0 GOOS=linux GOARCH=$arch "$OCB" --config "$out/builder-config.yaml"
  binary=$DIST/otelcol-opptima_${VERSION}_linux_$arch
  cp "$out/otelcol-opptima" "$binary"
  "$CYCLONEDX" bin -json -licenses=false -version "v$VERSION" -output "$binary.cdx.json" "$binary"
  # The receiver is compiled from this checkout (a replace in the builder
  # config), which the module info names by its path on this machine: the
  # SBOM names it as the module it is, at the release's version.
  sed -i -e "s#pkg:golang/$repo@(devel)#pkg:golang/github.com/opptimaotel/opptimareceiver@v$VERSION#g" \
      -e "s#\"name\": \"$repo\"#\"name\": \"github.com/opptimaotel/opptimareceiver\"#" \
      -e "s#\"version\": \"(devel)\"#\"version\": \"v$VERSION\"#" "$binary.cdx.json"

  # The packages: nfpm reads the files by their names in a staging folder.
  stage=$out/package
  mkdir -p "$stage"
  cp "$binary" "$stage/otelcol-opptima"
  cp "$repo/examples/production.yaml" "$stage/production.yaml"
  cp "$repo/LICENSE" "$repo/NOTICE" "$repo"/packaging/otelcol-opptima.{service,conf} "$repo"/packaging/*.sh "$stage/"
  for packager in deb rpm; do
    (cd "$stage" && ARCH=$arch VERSION=$VERSION "$NFPM" package -f "$repo/packaging/nfpm.yaml" -p "$packager" -t "$DIST")
  done

  # The image, as `make image` builds it (Containerfile, FROM scratch: no
  # emulation is needed to build another architecture's image).
  context=$out/image
  mkdir -p "$context/queue"
  cp "$binary" "$context/otelcol-opptima"
  cp /etc/ssl/certs/ca-certificates.crt "$context/ca-certificates.crt"
  cp "$repo/examples/production.yaml" "$context/config.yaml"
  podman build --isolation chroot --platform "linux/$arch" -f "$repo/Containerfile" \
    --label "org.opencontainers.image.version=$VERSION" --manifest "otelcol-opptima:$tag" "$context"
done

podman manifest push --all "otelcol-opptima:$tag" "oci-archive:$DIST/otelcol-opptima_${VERSION}_image.tar:otelcol-opptima:$tag"
podman manifest rm "otelcol-opptima:$tag" >/dev/null

(cd "$DIST" && sha256sum -- * >"otelcol-opptima_${VERSION}_checksums.txt")
ls -l "$DIST"
