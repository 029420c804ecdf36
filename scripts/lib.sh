# Shared by start.sh and test.sh: the set-up a fresh clone needs before anything runs.

say() { echo "[setup] $*" >&2; }

require_node() {
  command -v node >/dev/null 2>&1 || { echo "[setup] ERROR: Node.js >= 20.9 is required (https://nodejs.org)" >&2; exit 1; }
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [[ "$major" -ge 20 ]] || { echo "[setup] ERROR: Node.js >= 20.9 is required, found $(node --version)" >&2; exit 1; }
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
}

ensure_fabric() {
  say "checking the Fabric binaries (built once from the Go module proxy, then cached)"
  bash scripts/install-fabric.sh >/dev/null
}

# Everything a fresh clone needs before the product or the tests can run.
prepare() {
  require_node
  ensure_node_modules
  build_packages
  ensure_fabric
}
