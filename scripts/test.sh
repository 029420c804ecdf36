#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what is missing, builds, type-checks and lints,
# then runs the unit tests and the integration tests against a real Fabric network that the
# suite starts from nothing (test-artifacts/network, ports shifted by 1000) and stops afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

prepare
say "type-checking the tests and linting"
npx tsc -p tsconfig.test.json
npx eslint .
say "running the unit and integration tests"
npx jest --runInBand "$@"
