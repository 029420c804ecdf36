# Shared by start.sh and test.sh: the set-up a fresh clone needs before anything runs.

say() { echo "[setup] $*" >&2; }

require_node() {
  command -v node >/dev/null 2>&1 || { echo "[setup] ERROR: Node.js >= 20.19 is required (https://nodejs.org)" >&2; exit 1; }
  # 20.19: the portal's build tool (Vite 8) needs it.
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
    || { echo "[setup] ERROR: Node.js >= 20.19 is required, found $(node --version)" >&2; exit 1; }
}

# Installs npm dependencies when node_modules is missing or older than the lock file.
ensure_node_modules() {
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

build_packages() {
  say "building the TypeScript packages (tsc -b)"
  npx tsc -b
  say "building the portal (vite build)"
  npm run --silent build --workspace @donation-ledger/portal -- --logLevel warn
}

ensure_fabric() {
  say "checking the Fabric binaries (built once from the Go module proxy, then cached)"
  bash scripts/install-fabric.sh >/dev/null
}

# The rolling-upgrade test starts a network on the older release and upgrades it: that release is
# built here, once (about 2 minutes on 2 cores; cached after), rather than inside a test's time.
ensure_upgrade_fabric() {
  say "checking the Fabric release the rolling-upgrade test starts from (3.1.0)"
  FABRIC_RELEASE=3.1.0 bash scripts/install-fabric.sh >/dev/null
}

# The tests drive Debian's Chromium (browser test), start a PostgreSQL server (read model) and
# issue throw-away certificates with openssl (block signature tests).
# Installed from Debian's packages when missing and we may (root with apt-get); otherwise a
# clear message says what to install.
ensure_test_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl) # the unit tests issue throw-away certificates
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]} from Debian's packages (apt-get; once)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null
  else
    echo "[setup] ERROR: the tests need ${missing[*]}; install them first (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
}

# The TypeScript types in packages/api/openapi/ are what openapi-typescript makes of the committed
# document (a unit test holds that document to the one the API serves); the type check that
# follows compiles a small client against them.
check_openapi_types() {
  local generated
  generated="$(mktemp --suffix .d.ts)"
  node "$(dirname "$(node -p "require.resolve('openapi-typescript/package.json')")")/bin/cli.js" \
    packages/api/openapi/openapi.json --output "$generated" >/dev/null
  if ! cmp -s "$generated" packages/api/openapi/types.d.ts; then
    rm -f "$generated"
    echo "[setup] ERROR: packages/api/openapi/types.d.ts is not what openapi-typescript generates from openapi.json;" \
      "rewrite both: RECORD_OPENAPI=1 npx jest packages/api/src/openapi.test.ts" >&2
    exit 1
  fi
  rm -f "$generated"
}

# Everything a fresh clone needs before the product or the tests can run.
prepare() {
  require_node
  ensure_node_modules
  build_packages
  ensure_fabric
}

# As root, the tests' sites run as Unix users of their own (ledger-<org>), who must pass through
# every folder above the repository; a fresh clone in `mktemp -d` sits in a 0700 folder, where the
# network would fall back to running every site as root. Lets other users pass (o+x: traverse,
# not list) and says which folders it opened.
open_way_for_site_users() {
  [ "$(id -u)" = 0 ] || return 0
  local dir
  dir=$(pwd -P)
  while [ "$dir" != / ]; do
    if [ $(( 8#$(stat -c %a "$dir") & 1 )) -eq 0 ]; then
      say "letting the sites' Unix users pass through $dir (chmod o+x)"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}
