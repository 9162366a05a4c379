#!/usr/bin/env bash
# node oidc-provider 9.x (npm, pinned by package-lock.json) on 127.0.0.1.
#   server.sh packages  the Debian packages it needs
#   server.sh install   npm ci (node and npm must be installed; Debian: apt-get install nodejs npm)
#   server.sh start     start server.mjs on a free port, wait until ready;
#                       writes $IDPS_RUN_DIR/oidc-provider/env (OIDC_PROVIDER_PORT) for profile.yaml
#   server.sh stop      stops the server it started
set -euo pipefail
IDP_NAME=oidc-provider
source "$(dirname "$0")/../lib.sh"
HERE="$IDPS_DIR/oidc-provider"
STATE="$IDPS_RUN_DIR/oidc-provider"

case "${1:-}" in
packages) # the Debian packages install needs (run.sh installs them all after one apt-get update)
  command -v node >/dev/null && command -v npm >/dev/null || echo nodejs npm
  ;;
install)
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -f "$HERE/node_modules/.package-lock.json" ] || ! cmp -s "$HERE/package-lock.json" "$HERE/node_modules/.implicitspec-lock"; then
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.implicitspec-lock)
  fi
  ;;
start)
  "$0" stop
  mkdir -p "$STATE"
  port=$(free_port)
  (cd "$HERE" && PORT=$port start_bg server node server.mjs)
  echo "export OIDC_PROVIDER_PORT=$port" >"$STATE/env"
  wait_ready "http://127.0.0.1:$port/.well-known/openid-configuration" "$STATE/server.pid"
  log "ready: http://127.0.0.1:$port (log $STATE/server.log)"
  ;;
stop)
  stop_pid "$STATE/server.pid"
  ;;
*)
  echo "usage: $0 packages|install|start|stop" >&2
  exit 2
  ;;
esac
