#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing, builds, type-checks and lints,
# then runs the unit tests and the integration tests against a real Fabric network that the
# suite starts from nothing (test-artifacts/network, ports shifted by 1000) and stops afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

prepare
open_way_for_site_users
ensure_upgrade_fabric
ensure_test_packages
say "type-checking the tests and linting"
check_openapi_types
npx tsc -p tsconfig.test.json
npx tsc -p packages/portal/tsconfig.json
npx eslint .
say "running the unit and integration tests"
# PGlite (the embedded read-model database) loads Node built-ins with import(), which Jest's
# module sandbox allows only with this flag.
NODE_OPTIONS="${NODE_OPTIONS:-} --experimental-vm-modules --disable-warning=ExperimentalWarning" npx jest --runInBand "$@"
