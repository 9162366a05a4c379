#!/usr/bin/env bash
# Django OAuth Toolkit 1.7.0 (Debian python3-django-oauth-toolkit) on 127.0.0.1.
#   server.sh packages  the Debian packages it needs
#   server.sh install   apt-get install the package (idempotent)
#   server.sh start     fresh database, seed user and clients, runserver on a free port, wait until ready;
#                       writes $IDPS_RUN_DIR/dot/env (DOT_PORT) for profile.yaml
#   server.sh stop      stops the server it started
set -euo pipefail
IDP_NAME=dot
source "$(dirname "$0")/../lib.sh"
HERE="$IDPS_DIR/dot"
STATE="$IDPS_RUN_DIR/dot"
PY=/usr/bin/python3 # Debian's python: the one that sees the apt packages

case "${1:-}" in
packages) # the Debian packages install needs (run.sh installs them all after one apt-get update)
  echo python3-django-oauth-toolkit openssl curl
  ;;
install)
  apt_install python3-django-oauth-toolkit openssl curl
  ;;
start)
  "$0" stop
  rm -rf "$STATE" && mkdir -p "$STATE"
  export DOT_STATE_DIR="$STATE"
  openssl genrsa -out "$STATE/oidc.key" 2048 2>/dev/null
  (cd "$HERE" && $PY manage.py migrate -v 0 && $PY manage.py shell <seed.py >/dev/null)
  port=$(free_port)
  (cd "$HERE" && start_bg server $PY -u manage.py runserver "127.0.0.1:$port" --noreload)
  echo "export DOT_PORT=$port" >"$STATE/env"
  wait_ready "http://127.0.0.1:$port/o/.well-known/openid-configuration/" "$STATE/server.pid"
  log "ready: http://127.0.0.1:$port/o (log $STATE/server.log)"
  ;;
stop)
  stop_pid "$STATE/server.pid"
  ;;
*)
  echo "usage: $0 packages|install|start|stop" >&2
  exit 2
  ;;
esac
