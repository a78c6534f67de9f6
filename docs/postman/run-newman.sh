#!/usr/bin/env bash
# Runs the Postman walkthrough with Newman against the standalone server started from the command line, as a
# Postman user would: start the server on the walkthrough's cassette, run the collection, stop the server.
# Newman is installed into a temporary folder (nothing is left in the repository). Exits non-zero if any
# Postman test fails. Usage: bash docs/postman/run-newman.sh   (from anywhere)
set -euo pipefail
cd "$(dirname "$0")/../.."

NEWMAN_VERSION=6.2.2
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true  # the server stops on SIGTERM as on Ctrl+C
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: installing Debian's nodejs and npm" >&2
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi

npm install --prefix "$work/newman" --no-audit --no-fund --loglevel=error "newman@$NEWMAN_VERSION" >/dev/null
newman="$work/newman/node_modules/.bin/newman"

dotnet build integration-tests/SfOAuthGen.Testing -c Release -o "$work/server" -v q -nologo >/dev/null
dotnet "$work/server/SfOAuthGen.Testing.dll" --cassette integration-tests/cassettes/postman-walkthrough.json --port 0 >"$work/server.log" 2>&1 &
server_pid=$!

# The server prints "Serving ... at http://127.0.0.1:PORT/ ..." once it listens (bounded wait, no fixed sleep).
url=
for _ in $(seq 1 300); do
  url=$(grep -oE 'at http://127\.0\.0\.1:[0-9]+/' "$work/server.log" | head -n 1 | cut -c4- || true)
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the standalone server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

"$newman" run docs/postman/SfOAuthGen-walkthrough.postman_collection.json \
  --env-var "baseUrl=${url%/}" --color off --disable-unicode
