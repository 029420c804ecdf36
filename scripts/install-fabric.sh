#!/usr/bin/env bash
# Builds the Fabric and Fabric CA binaries this project runs on, from the Go module proxy.
#
# Why it looks like this:
# - Fabric's go.mod has no /v3 suffix, so `@v3.1.1` is refused and `@latest` resolves to an
#   ancient v2; a release can only be named by the pseudo-version of its tag commit.
# - `go install pkg@version` also asks the proxy for the module's version list (to look for
#   deprecations); some proxies refuse that list (403), so we download the module zip and build
#   the commands from the module's own directory, as the main module, which needs no list.
# - Not every proxy serves every release. Candidates are tried in order, newest first; the first
#   one the proxy serves is built. We build releases only, unchanged, with their true version
#   string, so `peer version` names a release an operator can look up and upgrade from.
#
# Binaries land in a cache outside the repository keyed by version and are reused on later runs;
# binaries already on PATH are used instead when they are Fabric 3.x with a matching fabric-ca.
# Fabric's sample config (core.yaml, orderer.yaml) is copied next to them: the network scripts
# start from it and override what they need.
#
# Prints the directory holding the binaries as the last line of stdout; progress goes to stderr.
#
# Usage:
#   install-fabric.sh                      the preferred release the proxy serves (3.1.1, else 3.1.0)
#   install-fabric.sh --release 3.1.0      that release (or FABRIC_RELEASE=3.1.0); built if missing
#   install-fabric.sh --release 3.1.0 --print-bin-dir
#                                          its bin dir if it is installed; builds nothing, exit 3 if not
# Releases live side by side in the cache (one folder per release), so a network can run one
# and be upgraded to another node by node (npm run network -- upgrade --to <release>).
set -euo pipefail

# version|module version (the pseudo-version of the release's tag commit). v3.1.1 (tag commit
# 435a7f1a780a) is the newest release the module proxies we use serve (3.1.2 to 3.1.5 are
# refused); v3.1.0 is the fallback. Both carry etcdraft and SmartBFT ordering.
FABRIC_CANDIDATES=(
  "3.1.1|v1.4.0-rc1.0.20250510200036-435a7f1a780a"
  "3.1.0|v1.4.0-rc1.0.20250318174348-8f08391d840c"
)
FABRIC_CA_VERSION=1.5.21
GO_MIN_MINOR=26

# The binaries are public: every site's Unix user runs them (see network/src/site-users.ts). Root's
# home is closed to other users, so root keeps them in the system's cache folder instead.
umask 022
if [[ $(id -u) == 0 ]]; then DEFAULT_CACHE=/var/cache/donation-ledger; else DEFAULT_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/donation-ledger"; fi
CACHE_ROOT="${DONATION_LEDGER_CACHE:-$DEFAULT_CACHE}"
FABRIC_CMDS=(peer orderer osnadmin configtxgen configtxlator)
CA_CMDS=(fabric-ca-server fabric-ca-client)

log() { echo "[install-fabric] $*" >&2; }
die() { echo "[install-fabric] ERROR: $*" >&2; exit 1; }

RELEASE="${FABRIC_RELEASE:-}"
PRINT_ONLY=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --release) [[ $# -ge 2 ]] || { echo "[install-fabric] ERROR: --release needs a version, such as 3.1.0" >&2; exit 2; }; RELEASE=$2; shift 2 ;;
    --print-bin-dir) PRINT_ONLY=true; shift ;;
    *) echo "[install-fabric] ERROR: unknown argument $1 (usage: install-fabric.sh [--release X.Y.Z] [--print-bin-dir])" >&2; exit 2 ;;
  esac
done

# A named release narrows the candidates to that one; an unknown name is refused, not guessed.
if [[ -n "$RELEASE" ]]; then
  RELEASE=${RELEASE#v}
  named=()
  for candidate in "${FABRIC_CANDIDATES[@]}"; do [[ "${candidate%%|*}" == "$RELEASE" ]] && named+=("$candidate"); done
  if [[ ${#named[@]} -eq 0 ]]; then
    echo "[install-fabric] ERROR: Fabric $RELEASE is not a release this script builds; it knows: $(printf '%s ' "${FABRIC_CANDIDATES[@]%%|*}")" >&2
    exit 2
  fi
  FABRIC_CANDIDATES=("${named[@]}")
fi

version_of() { "$1" version 2>/dev/null | awk -F': *' '/^ *Version:/ {print $2; exit}'; }

all_present_in() {
  local c
  for c in "${FABRIC_CMDS[@]}" "${CA_CMDS[@]}"; do [[ -x "$1/$c" ]] || return 1; done
  [[ -f "$1/../config/core.yaml" && -f "$1/../config/orderer.yaml" ]]
}

# 1. Fabric 3.x binaries already on PATH (for example from Fabric's own install script, which
#    puts config/ beside bin/); with a named release, only when they are that release.
wanted_on_path() {
  local v=${1#v}
  if [[ -n "$RELEASE" ]]; then [[ "$v" == "$RELEASE" ]]; else [[ "$v" == 3.* ]]; fi
}
if peer_bin=$(command -v peer 2>/dev/null); then
  dir=$(dirname "$peer_bin")
  if wanted_on_path "$(version_of "$peer_bin")" \
    && [[ "$(version_of "$dir/fabric-ca-server" 2>/dev/null || true)" == *"$FABRIC_CA_VERSION" ]] \
    && all_present_in "$dir"; then
    log "using Fabric $(version_of "$peer_bin") binaries already on PATH in $dir"
    echo "$dir"; exit 0
  fi
fi

# 2. Already built into the cache (any candidate, in order of preference).
for candidate in "${FABRIC_CANDIDATES[@]}"; do
  IFS='|' read -r label _ <<<"$candidate"
  bin_dir="$CACHE_ROOT/fabric-$label-ca-$FABRIC_CA_VERSION/bin"
  if all_present_in "$bin_dir"; then
    log "using cached Fabric $label / Fabric CA $FABRIC_CA_VERSION in $bin_dir"
    echo "$bin_dir"; exit 0
  fi
done

if $PRINT_ONLY; then
  echo "[install-fabric] Fabric ${RELEASE:-(preferred release)} is not installed; install it with: ${RELEASE:+FABRIC_RELEASE=$RELEASE }bash scripts/install-fabric.sh" >&2
  exit 3
fi

# 3. Build.
command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go >= 1.$GO_MIN_MINOR, or put Fabric 3.x and Fabric CA $FABRIC_CA_VERSION binaries (with Fabric's config/ beside bin/) on PATH."
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[[ "$go_minor" =~ ^[0-9]+$ && "$go_minor" -ge "$GO_MIN_MINOR" ]] \
  || die "$(go env GOVERSION) is too old: Fabric needs Go >= 1.$GO_MIN_MINOR. Upgrade Go, or put Fabric 3.x binaries on PATH."
command -v gcc >/dev/null 2>&1 || die "gcc is missing: fabric-ca-server needs cgo for sqlite3. Install it: apt-get install -y gcc"

download_module() { # module version -> prints its directory in the module cache, or fails
  local json
  json=$(go mod download -json "$1@$2" 2>/dev/null) || true
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p' <<<"$json"
}

build_from_module_dir() { # src_dir bin_dir cgo ldflags cmd...
  local src=$1 out=$2 cgo=$3 ldflags=$4; shift 4
  local work pkgs=() c
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  # The module cache is read-only and its vendor/ holds only modules.txt: build from a copy.
  cp -r "$src/." "$work"
  chmod -R u+w "$work"
  rm -rf "$work/vendor"
  for c in "$@"; do pkgs+=("./cmd/$c"); done
  (cd "$work" && GOBIN="$out" CGO_ENABLED=$cgo GOFLAGS=-mod=mod go install -trimpath -ldflags "$ldflags" "${pkgs[@]}")
}

fabric_dir="" label=""
for candidate in "${FABRIC_CANDIDATES[@]}"; do
  IFS='|' read -r label version <<<"$candidate"
  log "downloading Fabric $label ($version) from the Go module proxy"
  fabric_dir=$(download_module github.com/hyperledger/fabric "$version")
  [[ -n "$fabric_dir" ]] && break
  log "  not served by $(go env GOPROXY); trying the next candidate"
done
[[ -n "$fabric_dir" ]] || die "no Fabric candidate could be downloaded (tried: ${FABRIC_CANDIDATES[*]}). Check 'go env GOPROXY', or retry with GONOSUMDB='github.com/hyperledger/*' if the checksum database is unreachable."

final_root="$CACHE_ROOT/fabric-$label-ca-$FABRIC_CA_VERSION"
# Built in a staging folder renamed into place once complete: a build stopped halfway, or two
# builds of one release at once (the cache is shared), never leave a folder that looks installed.
mkdir -p "$CACHE_ROOT"
staging_root=$(mktemp -d "$CACHE_ROOT/.fabric-$label-building.XXXXXX")
chmod 755 "$staging_root"
trap 'rm -rf "$staging_root"' EXIT
bin_dir="$staging_root/bin"
mkdir -p "$bin_dir" "$bin_dir/../config"

start=$SECONDS
log "building Fabric $label: ${FABRIC_CMDS[*]} (a few minutes the first time)"
build_from_module_dir "$fabric_dir" "$bin_dir" 0 \
  "-X github.com/hyperledger/fabric/common/metadata.Version=$label" "${FABRIC_CMDS[@]}" \
  || die "building Fabric $label failed (see the go output above)"
cp "$fabric_dir/sampleconfig/core.yaml" "$fabric_dir/sampleconfig/orderer.yaml" "$bin_dir/../config/"
chmod u+w "$bin_dir/../config/"*.yaml
log "  Fabric built in $((SECONDS - start))s"

# Fabric CA is the same version beside every Fabric release: copied from another release's
# folder when one has it, built otherwise.
ca_from=""
for dir in "$CACHE_ROOT"/fabric-*-ca-"$FABRIC_CA_VERSION"/bin; do
  if [[ -x "$dir/fabric-ca-server" && -x "$dir/fabric-ca-client" ]]; then ca_from=$dir; break; fi
done
start=$SECONDS
if [[ -n "$ca_from" ]]; then
  log "copying Fabric CA $FABRIC_CA_VERSION from $ca_from"
  for c in "${CA_CMDS[@]}"; do cp "$ca_from/$c" "$bin_dir/"; done
else
  log "downloading and building Fabric CA $FABRIC_CA_VERSION: ${CA_CMDS[*]} (cgo, for sqlite3)"
  ca_dir=$(download_module github.com/hyperledger/fabric-ca "v$FABRIC_CA_VERSION")
  [[ -n "$ca_dir" ]] || die "could not download github.com/hyperledger/fabric-ca@v$FABRIC_CA_VERSION from $(go env GOPROXY)"
  build_from_module_dir "$ca_dir" "$bin_dir" 1 \
    "-X github.com/hyperledger/fabric-ca/lib/metadata.Version=$FABRIC_CA_VERSION" "${CA_CMDS[@]}" \
    || die "building Fabric CA failed (see the go output above)"
  log "  Fabric CA built in $((SECONDS - start))s"
fi

all_present_in "$bin_dir" || die "build finished but binaries or config are missing in $bin_dir"
# A folder left incomplete by an older version of this script (which built in place) is replaced.
if [[ -d "$final_root" ]] && ! all_present_in "$final_root/bin"; then rm -rf "$final_root"; fi
if ! mv -T "$staging_root" "$final_root" 2>/dev/null; then
  # Another build of this release finished first: use it, drop ours (the EXIT trap).
  all_present_in "$final_root/bin" || die "could not move the build into $final_root"
  log "another build of Fabric $label finished first; using it"
fi
bin_dir="$final_root/bin"
log "binaries ready in $bin_dir"
echo "$bin_dir"
