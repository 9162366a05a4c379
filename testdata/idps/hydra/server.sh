#!/usr/bin/env bash
# Ory Hydra v2.3.0 (Go module proxy) with the project's login & consent app, on 127.0.0.1.
#   server.sh packages  the Debian packages it needs
#   server.sh install   builds hydra (this folder's go.mod pins v2.3.0 and the required pop replace;
#                       -tags sqlite for dsn: memory) and loginconsent into $IDPS_BIN_DIR, unless up to date
#   server.sh start     hydra (public, admin) and loginconsent on free ports, waits until ready, creates the
#                       clients; writes $IDPS_RUN_DIR/hydra/env (HYDRA_PUBLIC_PORT, HYDRA_LOGIN_PORT)
#   server.sh stop      stops both processes it started
# A cold hydra build takes about 2-3 minutes on 2 cores; later runs reuse the binary.
set -euo pipefail
IDP_NAME=hydra
source "$(dirname "$0")/../lib.sh"
HERE="$IDPS_DIR/hydra"
STATE="$IDPS_RUN_DIR/hydra"
BIN=${IDPS_BIN_DIR:-$IDPS_RUN_DIR/bin}

case "${1:-}" in
packages) # the Debian packages install needs (run.sh installs them all after one apt-get update)
  command -v gcc >/dev/null || echo gcc libc6-dev
  command -v curl >/dev/null || echo curl
  ;;
install)
  command -v go >/dev/null || die "go is not installed"
  command -v gcc >/dev/null || apt_install gcc libc6-dev # cgo, for the sqlite driver
  command -v curl >/dev/null || apt_install curl
  mkdir -p "$BIN"
  stamp=$(cat "$HERE/go.mod" "$HERE/go.sum" | sha256sum | cut -c1-16)
  if [ ! -x "$BIN/hydra" ] || [ "$(cat "$BIN/hydra.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "building hydra v2.3.0 (a cold build takes 2-3 minutes)"
    (cd "$HERE" && go build -trimpath -tags sqlite,sqlite_omit_load_extension -o "$BIN/hydra" github.com/ory/hydra/v2)
    echo "$stamp" >"$BIN/hydra.stamp"
  fi
  (cd "$HERE" && go build -buildvcs=false -o "$BIN/loginconsent" ./loginconsent)
  ;;
start)
  "$0" stop
  rm -rf "$STATE" && mkdir -p "$STATE"
  [ -x "$BIN/hydra" ] && [ -x "$BIN/loginconsent" ] || die "not built: run $0 install"
  public=$(free_port) admin=$(free_port) login=$(free_port)
  while [ "$admin" = "$public" ]; do admin=$(free_port); done
  while [ "$login" = "$public" ] || [ "$login" = "$admin" ]; do login=$(free_port); done
  cat >"$STATE/hydra.yml" <<YAML
dsn: memory
serve:
  public: {host: 127.0.0.1, port: $public}
  admin: {host: 127.0.0.1, port: $admin}
  cookies: {same_site_mode: Lax}
urls:
  self: {issuer: "http://127.0.0.1:$public/"}
  login: http://127.0.0.1:$login/login
  consent: http://127.0.0.1:$login/consent
  logout: http://127.0.0.1:$login/logout
  error: http://127.0.0.1:$login/error
secrets:
  system: [implicitspec-throwaway-system-secret-0123456789]
log: {level: info, format: text}
YAML
  start_bg server "$BIN/hydra" serve all --dev --sqa-opt-out -c "$STATE/hydra.yml"
  start_bg loginconsent "$BIN/loginconsent" -listen "127.0.0.1:$login" -admin "http://127.0.0.1:$admin" \
    -users "alice:${HYDRA_PASSWORD:-alice-pw}"
  echo "export HYDRA_PUBLIC_PORT=$public HYDRA_LOGIN_PORT=$login" >"$STATE/env"
  wait_ready "http://127.0.0.1:$admin/health/ready" "$STATE/server.pid"
  wait_ready "http://127.0.0.1:$login/health" "$STATE/loginconsent.pid"
  A=http://127.0.0.1:$admin/admin/clients
  cb=http://127.0.0.1:9999/callback # nothing listens there: the harness never enters it
  mk() { curl -sf -o /dev/null -X POST "$A" -H 'Content-Type: application/json' -d "$1" || die "creating a client failed: $1"; }
  mk '{"client_id":"implicit-client","client_name":"Implicit test client","grant_types":["implicit"],
       "response_types":["token","id_token token","id_token"],"redirect_uris":["'$cb'"],
       "scope":"openid profile email","token_endpoint_auth_method":"none"}'
  mk '{"client_id":"implicit-two","client_name":"Implicit client, two redirect URIs","grant_types":["implicit"],
       "response_types":["token","id_token token","id_token"],"redirect_uris":["'$cb'","'${cb}2'"],
       "scope":"openid profile email","token_endpoint_auth_method":"none"}'
  mk '{"client_id":"code-client","client_name":"Code-only client","client_secret":"code-client-secret-not-secret",
       "grant_types":["authorization_code","refresh_token"],"response_types":["code"],"redirect_uris":["'$cb'"],
       "scope":"openid profile email offline","token_endpoint_auth_method":"client_secret_basic"}'
  log "ready: http://127.0.0.1:$public/ (login app :$login; logs in $STATE)"
  ;;
stop)
  stop_pid "$STATE/loginconsent.pid"
  stop_pid "$STATE/server.pid"
  ;;
*)
  echo "usage: $0 packages|install|start|stop" >&2
  exit 2
  ;;
esac
