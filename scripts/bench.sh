#!/usr/bin/env bash
# npm run bench: builds what is missing, makes sure the network runs (npm start's network), then
# runs the benchmark workloads. Options: npm run bench -- --help
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
prepare
node network/dist/cli.js up
node bench/dist/cli.js "$@"
