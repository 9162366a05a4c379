#!/usr/bin/env bash
# Ory Hydra v2.3.0 (Go module proxy) with the project's login & consent app, on 127.0.0.1.
#   server.sh packages  the Debian packages it needs
#   server.sh install   builds hydra (this folder's go.mod pins v2.3.0 and the required pop replace)
#                       and loginconsent into $IDPS_BIN_DIR, unless up to date; Debian's postgresql
#   server.sh start     a throwaway PostgreSQL cluster, hydra (public, admin) and loginconsent on free
#                       ports, waits until ready, creates the clients; writes $IDPS_RUN_DIR/hydra/env
#                       (HYDRA_PUBLIC_PORT, HYDRA_LOGIN_PORT)
#   server.sh stop      stops what it started
# A cold hydra build takes about 2-3 minutes on 2 cores; later runs reuse the binary.
set -euo pipefail
IDP_NAME=hydra
source "$(dirname "$0")/../lib.sh"
HERE="$IDPS_DIR/hydra"
STATE="$IDPS_RUN_DIR/hydra"
BIN=${IDPS_BIN_DIR:-$IDPS_RUN_DIR/bin}

# pg_bin prints the newest PostgreSQL server's bin directory ("" when none is installed).
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# as_pg CMD...: PostgreSQL refuses to run as root; as root, run as Debian's postgres user.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# start_postgres PORT: a throwaway cluster in $STATE/pg (trust on loopback, no fsync), database hydra.
start_postgres() {
  local bin
  bin=$(pg_bin)
  [ -n "$bin" ] || die "PostgreSQL is not installed: run $0 install"
  mkdir -p "$STATE/pg"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$STATE/pg"
  as_pg "$bin/initdb" -D "$STATE/pg/data" -U hydra --auth=trust -E UTF8 >"$STATE/initdb.log" 2>&1 ||
    die "initdb failed: see $STATE/initdb.log"
  as_pg "$bin/pg_ctl" -D "$STATE/pg/data" -l "$STATE/pg/postgres.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $1 -k $STATE/pg -c fsync=off -c full_page_writes=off" >/dev/null ||
    die "PostgreSQL did not start: see $STATE/pg/postgres.log"
  as_pg "$bin/createdb" -h 127.0.0.1 -p "$1" -U hydra hydra || die "createdb hydra failed"
}
stop_postgres() {
  [ -f "$STATE/pg/data/postmaster.pid" ] || return 0
  as_pg "$(pg_bin)/pg_ctl" -D "$STATE/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
packages) # the Debian packages install needs (run.sh installs them all after one apt-get update)
  command -v curl >/dev/null || echo curl
  [ -n "$(pg_bin)" ] || echo postgresql
  ;;
install)
  command -v go >/dev/null || die "go is not installed"
  command -v curl >/dev/null || apt_install curl
  [ -n "$(pg_bin)" ] || apt_install postgresql
  mkdir -p "$BIN"
  # Pure Go: on PostgreSQL hydra needs neither cgo nor the sqlite build tags. The build line is part of
  # the stamp, so a binary built another way is rebuilt.
  build=(env CGO_ENABLED=0 go build -trimpath -o "$BIN/hydra" github.com/ory/hydra/v2)
  stamp=$( (cat "$HERE/go.mod" "$HERE/go.sum"; echo "${build[*]}") | sha256sum | cut -c1-16)
  if [ ! -x "$BIN/hydra" ] || [ "$(cat "$BIN/hydra.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "building hydra v2.3.0 (a cold build takes 2-3 minutes)"
    (cd "$HERE" && "${build[@]}")
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
  # PostgreSQL, as a deployment has it, not dsn: memory: Hydra on SQLite (in memory, or a file in WAL
  # mode) answers flows in flight together with "Unable to serialize access due to a concurrent update"
  # (database is locked), and TestIdPs also runs the scenarios four at a time.
  pgport=$(free_port)
  while [ "$pgport" = "$public" ] || [ "$pgport" = "$admin" ] || [ "$pgport" = "$login" ]; do pgport=$(free_port); done
  start_postgres "$pgport"
  dsn="postgres://hydra@127.0.0.1:$pgport/hydra?sslmode=disable"
  DSN=$dsn "$BIN/hydra" migrate sql up -e --yes >"$STATE/migrate.log" 2>&1 || die "hydra migrate failed: see $STATE/migrate.log"
  cat >"$STATE/hydra.yml" <<YAML
dsn: "$dsn"
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
  stop_postgres
  ;;
*)
  echo "usage: $0 packages|install|start|stop" >&2
  exit 2
  ;;
esac
