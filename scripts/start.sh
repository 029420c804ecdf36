#!/usr/bin/env bash
# Brings up the product on this machine: builds what is missing, starts the Fabric network
# (CAs, Raft orderers, peers, channel), deploys the chaincode, then runs the REST API and web app
# for each member org in the foreground (Ctrl-C stops the APIs; the network keeps running).
# Safe to run again. DONOR_API_PORT / NGO_API_PORT change the ports (default 3000 / 3001).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
prepare
# Keys, secrets, ledgers, accounts and the read model are the owner's alone (files 0600, folders 0700).
umask 077
node network/dist/cli.js up "$@"
echo
node network/dist/cli.js status || true
DONOR_API_PORT=${DONOR_API_PORT:-3000}
NGO_API_PORT=${NGO_API_PORT:-3001}
cat <<MSG

The donation ledger network is running.
  status:        npm run network -- status
  peer CLI:      eval "\$(npm run -s network -- env ngo)"   (or donorplatform)
  stop network:  npm run network -- down      (keeps the ledger; 'npm start' resumes it)
  remove all:    npm run network -- clean

Starting the web app and REST API (Ctrl-C stops them):
  donors:        http://127.0.0.1:$DONOR_API_PORT   (sign up here)
  NGO staff:     http://127.0.0.1:$NGO_API_PORT   (log in as admin; password in network/run/orgs/ngo/api/admin-password)
  API docs:      http://127.0.0.1:$DONOR_API_PORT/openapi.json
MSG
# Each org's API runs as its site's Unix user when the site has one (the network makes them when
# brought up as root): the owner of the site's folder, which holds the API's keys and database.
as_site() {
  local owner
  owner=$(stat -c %U "network/run/orgs/$1")
  if [[ $(id -u) == 0 && $owner != root ]]; then
    echo "setpriv --reuid=$owner --regid=$owner --init-groups"
  fi
}
LEDGER_ORG=donorplatform PORT=$DONOR_API_PORT $(as_site donorplatform) node packages/api/dist/main.js &
donor_api=$!
LEDGER_ORG=ngo PORT=$NGO_API_PORT $(as_site ngo) node packages/api/dist/main.js &
ngo_api=$!
trap 'kill -TERM $donor_api $ngo_api 2>/dev/null; wait' INT TERM
wait
