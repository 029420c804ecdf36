#!/usr/bin/env bash
# Brings up the product on this machine: builds what is missing, then starts the Fabric network
# (CAs, Raft orderers, peers, channel) and deploys the chaincode. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

require_node
ensure_node_modules
build_packages
ensure_fabric
node network/dist/cli.js up "$@"
echo
node network/dist/cli.js status || true
cat <<'MSG'

The donation ledger network is running.
  status:        npm run network -- status
  peer CLI:      eval "$(npm run -s network -- env ngo)"   (or donorplatform)
  stop:          npm run network -- down      (keeps the ledger; 'npm start' resumes it)
  remove all:    npm run network -- clean
MSG
