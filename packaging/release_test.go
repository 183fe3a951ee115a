// Copyright The opptimareceiver Authors
// SPDX-License-Identifier: Apache-2.0

// Package packaging holds what turns the Collector into a release: the
// systemd unit and its environment file, the package scripts, nfpm's config
// and the script `make release-snapshot` runs. Its tests check a release
// that script built (RELEASE_DIST, RELEASE_VERSION: `make release-test`
// sets them).
package packaging

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// architectures are the release's, by GOARCH (also the name Debian and
// OCI give them), with their ELF machine and rpm's name.
var architectures = map[string]struct {
	machine elf.Machine
	rpmArch string
}{
	"amd64": {elf.EM_X86_64, "x86_64"},
	"arm64": {elf.EM_AARCH64, "aarch64"},
}

type release struct {
	dir, version string
}

// debVersion is the version as nfpm writes it in packages: a semver
// pre-release ("-snapshot") sorts before its release with "~".
func (r release) debVersion() string {
	core, pre, found := strings.Cut(r.version, "-")
	if !found {
		return r.version
	}
	return core + "~" + pre
}

func (r release) path(name string) string {
	return filepath.Join(r.dir, strings.NewReplacer("{v}", r.version, "{deb}", r.debVersion()).Replace(name))
}

func loadRelease(t *testing.T) release {
	t.Helper()
	dir, version := os.Getenv("RELEASE_DIST"), os.Getenv("RELEASE_VERSION")
	if dir == "" || version == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("RELEASE_DIST and RELEASE_VERSION are not set: run the release tests through `make test`")
		}
		t.Skip("RELEASE_DIST is not set: `make release-test` builds a release and checks it")
	}
	return release{dir: dir, version: version}
}

// skipOutsideCI skips a check this machine cannot make; under CI, where
// `make test` installed what it needs, that is a failure.
func skipOutsideCI(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	require.NoError(t, err, "%s %v: %s", name, args, out)
	return string(out)
}

// Every file is there, and the checksums list is exactly the other files.
func TestReleaseHasEveryArtifactAndItsChecksum(t *testing.T) {
	r := loadRelease(t)
	want := []string{"otelcol-opptima_{v}_image.tar"}
	for arch, a := range architectures {
		want = append(want,
			"otelcol-opptima_{v}_linux_"+arch,
			"otelcol-opptima_{v}_linux_"+arch+".cdx.json",
			"otelcol-opptima_{deb}_"+arch+".deb",
			"otelcol-opptima-{deb}-1."+a.rpmArch+".rpm")
	}
	for _, name := range want {
		assert.FileExists(t, r.path(name))
	}

	sums, err := os.ReadFile(r.path("otelcol-opptima_{v}_checksums.txt"))
	require.NoError(t, err)
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		require.True(t, ok, "a sha256sum line: %q", line)
		listed[name] = true
		assert.Equal(t, sum, sha256File(t, filepath.Join(r.dir, name)), name)
	}
	entries, err := os.ReadDir(r.dir)
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), "_checksums.txt") {
			assert.True(t, listed[e.Name()], "%s has a checksum", e.Name())
		}
	}
	assert.Len(t, listed, len(want))
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	_, err = io.Copy(h, f)
	require.NoError(t, err)
	return hex.EncodeToString(h.Sum(nil))
}

// Each binary is a static executable of its architecture, built from this
// module, and reports the release's version (the one this machine can run).
func TestBinariesReportTheReleaseVersion(t *testing.T) {
	r := loadRelease(t)
	for arch, a := range architectures {
		path := r.path("otelcol-opptima_{v}_linux_" + arch)
		f, err := elf.Open(path)
		require.NoError(t, err)
		assert.Equal(t, a.machine, f.Machine, arch)
		for _, p := range f.Progs {
			assert.NotEqual(t, elf.PT_INTERP, p.Type, "%s is static (CGO_ENABLED=0): it runs on any Linux and in a scratch image", arch)
		}
		f.Close()
		info, err := buildinfo.ReadFile(path)
		require.NoError(t, err)
		assert.Contains(t, info.Settings, debug.BuildSetting{Key: "GOARCH", Value: arch})
		assert.True(t, hasModule(info, "github.com/opptimaotel/opptimareceiver"), "%s is built with the receiver", arch)
	}
	out := run(t, r.path("otelcol-opptima_{v}_linux_amd64"), "--version")
	assert.Equal(t, "otelcol-opptima version "+r.version, strings.TrimSpace(out))
}

func hasModule(info *buildinfo.BuildInfo, path string) bool {
	for _, m := range info.Deps {
		if m.Path == path {
			return true
		}
	}
	return false
}

// The SBOM describes the binary it sits beside: the release's version and
// the modules compiled in, the Collector's among them.
func TestSBOMDescribesItsBinary(t *testing.T) {
	r := loadRelease(t)
	for arch := range architectures {
		data, err := os.ReadFile(r.path("otelcol-opptima_{v}_linux_" + arch + ".cdx.json"))
		require.NoError(t, err)
		var bom struct {
			BOMFormat string `json:"bomFormat"`
			Metadata  struct {
				Component struct{ Name, Version string } `json:"component"`
			} `json:"metadata"`
			Components []struct{ Name, Version string } `json:"components"`
		}
		require.NoError(t, json.Unmarshal(data, &bom))
		assert.Equal(t, "CycloneDX", bom.BOMFormat)
		assert.Equal(t, "github.com/opptimaotel/opptimareceiver/cmd/otelcol-opptima", bom.Metadata.Component.Name)
		assert.Equal(t, "v"+r.version, bom.Metadata.Component.Version)
		components := map[string]string{}
		for _, c := range bom.Components {
			components[c.Name] = c.Version
		}
		assert.Equal(t, "v0.165.0", components["go.opentelemetry.io/collector/otelcol"], "%s: the Collector release it is built on", arch)
		assert.Equal(t, "v"+r.version, components["github.com/opptimaotel/opptimareceiver"], "%s: the receiver, at the release's version", arch)
		checkout, err := filepath.Abs("..")
		require.NoError(t, err)
		assert.NotContains(t, string(data), checkout, "no path of the build machine")
	}
}

// packagePaths are the files both packages install.
var packagePaths = []string{
	"/usr/bin/otelcol-opptima",
	"/etc/otelcol-opptima/config.yaml",
	"/etc/otelcol-opptima/otelcol-opptima.conf",
	"/lib/systemd/system/otelcol-opptima.service",
	"/usr/share/doc/otelcol-opptima/LICENSE",
	"/usr/share/doc/otelcol-opptima/NOTICE",
}

func TestDebPackages(t *testing.T) {
	r := loadRelease(t)
	for arch := range architectures {
		deb := r.path("otelcol-opptima_{deb}_" + arch + ".deb")
		fields := run(t, "dpkg-deb", "--field", deb, "Package", "Version", "Architecture")
		assert.Equal(t, "Package: otelcol-opptima\nVersion: "+r.debVersion()+"\nArchitecture: "+arch+"\n", fields)
		contents := run(t, "dpkg-deb", "--contents", deb)
		for _, p := range packagePaths {
			assert.Contains(t, contents, " ."+p+"\n", "%s installs %s", arch, p)
		}
		assert.Regexp(t, `-rw-r----- root/root +\d+ [-\d: ]+\./etc/otelcol-opptima/otelcol-opptima\.conf`, contents, "the keys' file is not world-readable")
		conffiles := run(t, "dpkg-deb", "--info", deb, "conffiles")
		assert.ElementsMatch(t, []string{"/etc/otelcol-opptima/config.yaml", "/etc/otelcol-opptima/otelcol-opptima.conf"},
			strings.Fields(conffiles), "an upgrade keeps the user's config and keys")
	}
}

// The packaged unit passes systemd's own check, against the files the
// package installs (the rest of the root is this machine's units).
func TestSystemdUnitVerifies(t *testing.T) {
	r := loadRelease(t)
	if _, err := os.Stat("/lib/systemd/system/multi-user.target"); err != nil {
		skipOutsideCI(t, "this machine has no systemd units to verify against (`make release-tools` installs them)")
	}
	root := t.TempDir()
	run(t, "dpkg-deb", "--extract", r.path("otelcol-opptima_{deb}_amd64.deb"), root)
	run(t, "cp", "-rn", "/lib/systemd/system/.", filepath.Join(root, "lib/systemd/system"))
	out, err := exec.Command("systemd-analyze", "verify", "--root="+root, "otelcol-opptima.service").CombinedOutput()
	assert.NoError(t, err, "%s", out)
	assert.Empty(t, strings.TrimSpace(string(out)), "no warning")

	unit := readUnit(t, filepath.Join(root, "lib/systemd/system/otelcol-opptima.service"))
	assert.Equal(t, "%H", unit.environment["SERVICE_INSTANCE_ID"], "each VM's host name is its replica's Loki stream")
	assert.Equal(t, "/etc/otelcol-opptima/otelcol-opptima.conf", unit.environmentFile, "the conf file overrides the defaults")
	assert.Equal(t, "otelcol-opptima", unit.user)
}

type unit struct {
	environment     map[string]string
	environmentFile string
	user            string
}

func readUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	u := unit{environment: map[string]string{}}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		key, value, _ := strings.Cut(scanner.Text(), "=")
		switch key {
		case "Environment":
			name, v, _ := strings.Cut(value, "=")
			u.environment[name] = v
		case "EnvironmentFile":
			u.environmentFile = value
		case "User":
			u.user = value
		}
	}
	require.NoError(t, scanner.Err())
	return u
}

// The .deb installs with dpkg on a Debian root: this machine's, under an
// overlay in a mount namespace of its own, so that nothing of the install
// reaches the machine. Then the installed Collector, with the unit's
// environment and the conf file filled in as the README says, accepts its
// config on a host named vm-7 and names that host as its replica; with the
// conf file left as shipped it refuses to start and names what is missing.
func TestDebInstallsOnDebian(t *testing.T) {
	r := loadRelease(t)
	if os.Geteuid() != 0 {
		skipOutsideCI(t, "an overlay mount and chroot need root")
	}
	dir := t.TempDir()
	for _, d := range []string{"upper", "work", "merged"} {
		require.NoError(t, os.Mkdir(filepath.Join(dir, d), 0o755))
	}
	data, err := os.ReadFile(r.path("otelcol-opptima_{deb}_amd64.deb"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "upper", "otelcol-opptima.deb"), data, 0o644))

	// Inside the chroot: install, then run the Collector as systemd would
	// (the unit's Environment= with %H expanded, then the EnvironmentFile).
	script := `set -e
dpkg -i /otelcol-opptima.deb
getent passwd otelcol-opptima
stat -c '%a %U:%G %n' /etc/otelcol-opptima/otelcol-opptima.conf
as_the_unit() {
  env -i PATH=/usr/bin:/bin SERVICE_INSTANCE_ID=$(hostname) QUEUE_DIR=/var/lib/otelcol-opptima/queue \
    sh -c 'set -a; . /etc/otelcol-opptima/otelcol-opptima.conf; set +a; exec /usr/bin/otelcol-opptima "$@" $OTELCOL_OPTIONS' - "$@"
}
echo "--- as shipped"
as_the_unit validate 2>&1 || true
sed -i -e 's#^OPPTIMA_API_KEY=$#OPPTIMA_API_KEY=key-from-opptima-settings#' \
  -e 's#^LOKI_OTLP_ENDPOINT=$#LOKI_OTLP_ENDPOINT=http://loki:3100/otlp#' /etc/otelcol-opptima/otelcol-opptima.conf
echo "--- filled in"
as_the_unit validate
as_the_unit print-config | grep -A3 'key: service.instance.id'
`
	mounts := `set -e
mount -t overlay overlay -o lowerdir=/,upperdir=` + dir + `/upper,workdir=` + dir + `/work ` + dir + `/merged
mount --bind /dev ` + dir + `/merged/dev
mount -t proc proc ` + dir + `/merged/proc
hostname vm-7
exec chroot ` + dir + `/merged sh -c "$1"`
	cmd := exec.Command("unshare", "--mount", "--uts", "--propagation", "private", "sh", "-c", mounts, "-", script)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	text := string(out)
	assert.Contains(t, text, "Setting up otelcol-opptima ("+r.debVersion()+")")
	assert.Regexp(t, `(?m)^otelcol-opptima:x:\d+:\d+:`, text, "the package made its system user")
	assert.Contains(t, text, "640 root:otelcol-opptima /etc/otelcol-opptima/otelcol-opptima.conf")
	shipped, filled, _ := strings.Cut(text[strings.Index(text, "--- as shipped"):], "--- filled in")
	assert.Contains(t, shipped, "environment variable LOKI_OTLP_ENDPOINT is empty", "the shipped conf names what to fill in")
	assert.Regexp(t, regexp.MustCompile(`key: service\.instance\.id[\s\S]*value: vm-7`), filled, "the VM's host name is its replica's name")
	_, err = os.Stat("/etc/otelcol-opptima")
	assert.True(t, os.IsNotExist(err), "nothing of the install reached this machine")
}

// The .rpm holds the same files, scripts and config files (rpm from
// Debian's package reads it; `make release-test` installs it).
func TestRpmPackages(t *testing.T) {
	r := loadRelease(t)
	if _, err := exec.LookPath("rpm"); err != nil {
		skipOutsideCI(t, "rpm is not installed (`make release-tools` installs it)")
	}
	for arch, a := range architectures {
		rpm := r.path("otelcol-opptima-{deb}-1." + a.rpmArch + ".rpm")
		assert.Equal(t, "otelcol-opptima "+r.debVersion()+" "+a.rpmArch,
			run(t, "rpm", "-qp", "--queryformat", "%{NAME} %{VERSION} %{ARCH}", rpm), arch)
		files := run(t, "rpm", "-qlp", rpm)
		for _, p := range packagePaths {
			assert.Contains(t, files, p+"\n", "%s installs %s", arch, p)
		}
		assert.ElementsMatch(t, []string{"/etc/otelcol-opptima/config.yaml", "/etc/otelcol-opptima/otelcol-opptima.conf"},
			strings.Fields(run(t, "rpm", "-qcp", rpm)), "config files, kept on upgrade")
		scripts := run(t, "rpm", "-qp", "--scripts", rpm)
		assert.Contains(t, scripts, "useradd --system")
		assert.Contains(t, scripts, "systemctl disable --now otelcol-opptima.service")
	}
}

// The image archive is one OCI index with an image per architecture, each
// carrying that architecture's release binary.
func TestImageForEveryArchitecture(t *testing.T) {
	r := loadRelease(t)
	blobs := readOCIArchive(t, r.path("otelcol-opptima_{v}_image.tar"))
	var layout struct{ Manifests []struct{ Digest string } }
	require.NoError(t, json.Unmarshal(blobs["index.json"], &layout))
	require.Len(t, layout.Manifests, 1, "one index")
	var index struct {
		Manifests []struct {
			Digest   string
			Platform struct{ OS, Architecture string }
		}
	}
	require.NoError(t, json.Unmarshal(blobs[layout.Manifests[0].Digest], &index))
	seen := map[string]bool{}
	for _, m := range index.Manifests {
		arch := m.Platform.Architecture
		seen[arch] = true
		assert.Equal(t, "linux", m.Platform.OS)
		var manifest struct {
			Config struct{ Digest string }
			Layers []struct{ Digest, MediaType string }
		}
		require.NoError(t, json.Unmarshal(blobs[m.Digest], &manifest))
		var config struct {
			Architecture string
			Config       struct {
				User       string
				Entrypoint []string
				Labels     map[string]string
			}
		}
		require.NoError(t, json.Unmarshal(blobs[manifest.Config.Digest], &config))
		assert.Equal(t, arch, config.Architecture)
		assert.Equal(t, "10001:10001", config.Config.User)
		assert.Equal(t, []string{"/otelcol-opptima"}, config.Config.Entrypoint)
		assert.Equal(t, r.version, config.Config.Labels["org.opencontainers.image.version"])
		var binary string
		for _, l := range manifest.Layers {
			if sum, ok := fileInLayer(t, blobs[l.Digest], "otelcol-opptima"); ok {
				binary = sum
			}
		}
		assert.Equal(t, sha256File(t, r.path("otelcol-opptima_{v}_linux_"+arch)), binary, "the %s image carries the %s release binary", arch, arch)
	}
	assert.Equal(t, map[string]bool{"amd64": true, "arm64": true}, seen)
}

// readOCIArchive returns index.json and every blob by digest.
func readOCIArchive(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	blobs := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return blobs
		}
		require.NoError(t, err)
		data, err := io.ReadAll(tr)
		require.NoError(t, err)
		switch name := strings.TrimPrefix(h.Name, "./"); {
		case name == "index.json":
			blobs[name] = data
		case strings.HasPrefix(name, "blobs/sha256/"):
			blobs["sha256:"+strings.TrimPrefix(name, "blobs/sha256/")] = data
		}
	}
}

// fileInLayer is the sha256 of name in a layer (a tar, gzipped or not).
func fileInLayer(t *testing.T, layer []byte, name string) (string, bool) {
	t.Helper()
	var r io.Reader = strings.NewReader(string(layer))
	if len(layer) > 2 && layer[0] == 0x1f && layer[1] == 0x8b {
		gz, err := gzip.NewReader(r)
		require.NoError(t, err)
		r = gz
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return "", false
		}
		require.NoError(t, err)
		if strings.TrimPrefix(h.Name, "./") == name {
			sum := sha256.New()
			_, err := io.Copy(sum, tr)
			require.NoError(t, err)
			return hex.EncodeToString(sum.Sum(nil)), true
		}
	}
}
