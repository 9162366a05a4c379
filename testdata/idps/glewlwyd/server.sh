#!/usr/bin/env bash
# glewlwyd 2.7.5 (Debian package glewlwyd) on 127.0.0.1.
#   server.sh packages  the Debian packages it needs
#   server.sh install   apt-get install them (idempotent)
#   server.sh start     a private config and a fresh sqlite DB under $IDPS_RUN_DIR/glewlwyd, the plugin
#                       instances and scopes inserted with sqlite3, glewlwyd on a free port, waits until it
#                       listens, seeds the user and the clients through the admin REST API, pre-grants
#                       consent; writes $IDPS_RUN_DIR/glewlwyd/env (GLEWLWYD_PORT, GLEWLWYD_CALLBACK_PORT)
#   server.sh stop      stops the server it started
#
# Which plugin the profile targets: the OpenID Connect plugin "oidc" (/api/oidc/auth, issuer
# http://127.0.0.1:PORT/api/oidc, discovery, RS256 jwks, userinfo). With "allow-non-oidc" it serves
# plain token, "id_token token" and id_token to the same client, publishes its metadata (the profile
# needs no endpoints), and its answers were the same on every try. Its nonce rule: a request whose
# scope holds openid needs a nonce, plain response_type=token included
# (#error=invalid_request&error_description=nonce+required); the profile's scope "scope1 scope2" has
# no openid, so the harness's nonce-less plain token requests are served, and its OpenID Connect
# requests bring openid and a nonce. The plain OAuth2 plugin "glwd" (/api/glwd/auth, no discovery,
# no id_token) is set up too and the same clients work there; README.md tells how to run against it
# (its deviations differ: errors in the query, 403 empty pages, a raw space in the Location). The
# oidc plugin is the better fixture: on glwd nearly every error is a bare 403, so most negative
# scenarios could only say "no redirect", and the OpenID Connect scenarios would all be skipped.
#
# Consent: glewlwyd keeps what a user granted to a client, per user and client, in its database, and
# never forgets it; its login page shows the grant screen only while a scope is not granted: one
# unticked check box per scope (no form) and "Grant access", which grants only the ticked ones.
# Without a pre-grant the first flow of a run would meet that screen and every later one would not
# (once something ticked and granted): scenario outcomes would depend on their order. So start
# grants openid scope1 scope2 to every seeded client as alice, as a returning user would have, with
# the REST call the login page makes (PUT /api/auth/grant/CLIENT). Nothing is lost by it: glewlwyd
# has no control that denies a request and never sends access_denied (without a grant, oidc sends
# the browser back to the login page, or narrows the scope to openid when the request holds it; glwd
# answers ?error=invalid_scope; "Logout" starts the login again).
set -euo pipefail
IDP_NAME=glewlwyd
source "$(dirname "$0")/../lib.sh"
STATE="$IDPS_RUN_DIR/glewlwyd"
SCHEMA=/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3 # the package's own sqlite schema and data
WEBAPP=/usr/share/glewlwyd/webapp
PASSWORD=${GLEWLWYD_PASSWORD:-alice-pw}       # the throwaway fixture user alice
ADMIN_PASSWORD=${GLEWLWYD_ADMIN_PASSWORD:-password} # the package's default admin account (loopback only)
CB=http://127.0.0.1:8080/cb # nothing listens there: the harness never enters it

# a_free_port prints a free port that is none of its arguments, nor 3000 (kept for other tools) nor 8080 (CB).
a_free_port() {
  local p
  while :; do
    p=$(free_port)
    case " $* 3000 8080 " in *" $p "*) continue ;; esac
    echo "$p"
    return
  done
}

# api METHOD PATH JAR [JSON]: one REST call; fails (with the answer) unless 2xx.
api() {
  local method=$1 path=$2 jar=$3 body=${4:-} out code
  out=$(curl -s --max-time 10 -o "$STATE/api.out" -w '%{http_code}' -X "$method" -b "$jar" -c "$jar" \
    -H 'Content-Type: application/json' ${body:+-d "$body"} "$G$path") || die "$method $path: curl failed"
  code=$out
  case "$code" in 2??) ;; *) die "$method $path: HTTP $code $(head -c 300 "$STATE/api.out")" ;; esac
}

case "${1:-}" in
packages) # the Debian packages install needs (run.sh installs them all after one apt-get update)
  # dbconfig-sqlite3 satisfies glewlwyd's "dbconfig-mysql | dbconfig-sqlite3 | …" without the MariaDB
  # client apt would otherwise pick; the package's own database is not used here anyway.
  echo glewlwyd dbconfig-sqlite3 sqlite3 openssl curl python3
  ;;
install)
  # Where the package may start its service (no policy-rc.d), it listens on port 4593 on all addresses,
  # with the package's database; the fixture never uses it, and picks its own free port.
  apt_install glewlwyd dbconfig-sqlite3 sqlite3 openssl curl python3
  ;;
start)
  "$0" stop
  rm -rf "$STATE" && mkdir -p "$STATE" && chmod 700 "$STATE"
  [ -x /usr/bin/glewlwyd ] && [ -f "$SCHEMA" ] || die "glewlwyd is not installed: run $0 install"
  port=$(a_free_port)
  cbport=$(a_free_port "$port")
  base=http://127.0.0.1:$port
  G=$base/api

  # A throwaway RSA key: the oidc plugin signs its ID tokens and access tokens with RS256 and publishes
  # the public key at /api/oidc/jwks, so the harness can check ID token signatures.
  openssl genrsa -out "$STATE/oidc.key" 2048 2>/dev/null
  openssl rsa -in "$STATE/oidc.key" -pubout -out "$STATE/oidc.pem" 2>/dev/null

  # A fresh DB from the package's schema (the admin account admin/password, the user and client
  # database backends, the scopes g_admin, g_profile, openid), then the two plugin instances and
  # two scopes (the parameters of upstream test/glewlwyd-test.sql; password required).
  sqlite3 "$STATE/glewlwyd.db" <"$SCHEMA"
  pem_json() { awk 'BEGIN { printf "\"" } { printf "%s\\n", $0 } END { printf "\"" }' "$1"; } # PEM: no " or \
  key=$(pem_json "$STATE/oidc.key")
  cert=$(pem_json "$STATE/oidc.pem")
  scopes='[{"name":"scope1","refresh-token-rolling":true},{"name":"scope2","refresh-token-rolling":true}]'
  glwd='{"jwt-type":"sha","jwt-key-size":"256","key":"implicitspec-throwaway-glwd-key","access-token-duration":3600,
    "refresh-token-duration":1209600,"code-duration":600,"refresh-token-rolling":true,"auth-type-code-enabled":true,
    "auth-type-implicit-enabled":true,"auth-type-password-enabled":false,"auth-type-client-enabled":false,
    "auth-type-refresh-enabled":true,"scope":'$scopes'}'
  oidc='{"iss":"'$G'/oidc","jwt-type":"rsa","jwt-key-size":"256","key":'$key',"cert":'$cert',
    "access-token-duration":3600,"refresh-token-duration":1209600,"code-duration":600,"refresh-token-rolling":true,
    "allow-non-oidc":true,"auth-type-code-enabled":true,"auth-type-token-enabled":true,"auth-type-id-token-enabled":true,
    "auth-type-none-enabled":true,"auth-type-password-enabled":false,"auth-type-client-enabled":false,
    "auth-type-refresh-enabled":true,"scope":'$scopes'}'
  sq() { printf "'%s'" "${1//\'/\'\'}"; } # an SQL string literal
  sqlite3 "$STATE/glewlwyd.db" <<SQL
INSERT INTO g_plugin_module_instance (gpmi_module, gpmi_name, gpmi_display_name, gpmi_parameters)
  VALUES ('oauth2-glewlwyd', 'glwd', 'OAuth2 plugin', $(sq "$glwd"));
INSERT INTO g_plugin_module_instance (gpmi_module, gpmi_name, gpmi_display_name, gpmi_parameters)
  VALUES ('oidc', 'oidc', 'OpenID Connect plugin', $(sq "$oidc"));
INSERT INTO g_scope (gs_name, gs_display_name, gs_description, gs_password_required, gs_password_max_age)
  VALUES ('scope1', 'Scope 1', 'Test scope 1', 1, 0);
INSERT INTO g_scope (gs_name, gs_display_name, gs_description, gs_password_required, gs_password_max_age)
  VALUES ('scope2', 'Scope 2', 'Test scope 2', 1, 0);
SQL

  # Never request a directory of the app (/css, /js/, /locales/en …): glewlwyd 2.7.5 answers
  # "200" and then never ends the response, and the thread spins a core until the server stops.
  # The login page is the package's web app, served by glewlwyd itself (static_files_path). As the
  # package installs it, the app cannot start there: glewlwyd serves no file through a symlink that
  # leaves static_files_path (404), and the app's jquery, bootstrap, popper and fonts are symlinks to
  # the libjs-*/fonts-* packages (login.js then dies with "$ is not defined"); and config.json is a
  # symlink to /etc/glewlwyd/config-2.7.json, which the package ships as a directory (404 either
  # way). The login page then stays at "Loading...". So serve a private copy of the app with the
  # symlinks resolved (cp -L, 4.5 MB) and the package's template config.json ("GlewlwydUrl": "./":
  # any host and port).
  cp -RL "$WEBAPP" "$STATE/webapp"
  rm -rf "$STATE/webapp/config.json"
  cp /usr/share/glewlwyd/templates/config.json "$STATE/webapp/config.json"

  # A private config (never /etc/glewlwyd): this port, 127.0.0.1 only, this DB, the package's web app
  # (above) served by glewlwyd itself, logs to the console.
  # Every static mime type is "compress = 1": glewlwyd 2.7.5 leaks one file descriptor per static file
  # it serves uncompressed to a request that accepts gzip or deflate (every browser's, the harness's):
  # it opens the file for compressing, finds the type not compressible, streams it from a second
  # open and never closes the first (strace: two openat, one close). A run loads the login app ~16
  # files at a time, and past 1024 descriptors its libmicrohttpd (select mode, no option to change
  # it) resets every new connection ("not less than FD_SETSIZE"). A compressible type is read once,
  # closed, gzipped and cached: no descriptor is kept. (Without Accept-Encoding nothing leaks either.)
  cat >"$STATE/glewlwyd.conf" <<CONF
port=$port
bind_address="127.0.0.1"
external_url="$base"
login_url="login.html"
api_prefix="api"
static_files_path="$STATE/webapp/"
allow_origin="*"
log_mode="console"
log_level="INFO"
cookie_secure=0
cookie_same_site="empty"
session_expiration=2419200
session_key="GLEWLWYD2_SESSION_ID"
admin_session_authentication="cookie"
profile_session_authentication="cookie"
allow_multiple_user_per_session=true
login_api_enabled=true
plugin_api_run_enabled=""
add_x_frame_option_header_deny=true
max_post_size=16778240
admin_scope="g_admin"
profile_scope="g_profile"
user_module_path="/usr/lib/glewlwyd/user"
client_module_path="/usr/lib/glewlwyd/client"
user_auth_scheme_module_path="/usr/lib/glewlwyd/scheme"
plugin_module_path="/usr/lib/glewlwyd/plugin"
use_secure_connection=false
secure_connection_key_file="/etc/glewlwyd/cert.key"
secure_connection_pem_file="/etc/glewlwyd/cert.pem"
secure_connection_ca_file="/etc/glewlwyd/ca.crt"
hash_algorithm="SHA512"
database = { type = "sqlite3"; path = "$STATE/glewlwyd.db"; }
static_files_mime_types = (
  { extension = ".html"; mime_type = "text/html"; compress = 1; },
  { extension = ".css"; mime_type = "text/css"; compress = 1; },
  { extension = ".js"; mime_type = "application/javascript"; compress = 1; },
  { extension = ".json"; mime_type = "application/json"; compress = 1; },
  { extension = ".png"; mime_type = "image/png"; compress = 1; },
  { extension = ".jpg"; mime_type = "image/jpeg"; compress = 1; },
  { extension = ".jpeg"; mime_type = "image/jpeg"; compress = 1; },
  { extension = ".svg"; mime_type = "image/svg+xml"; compress = 1; },
  { extension = ".ttf"; mime_type = "font/ttf"; compress = 1; },
  { extension = ".woff"; mime_type = "font/woff"; compress = 1; },
  { extension = ".woff2"; mime_type = "font/woff2"; compress = 1; },
  { extension = ".otf"; mime_type = "font/otf"; compress = 1; },
  { extension = ".eot"; mime_type = "application/vnd.ms-fontobject"; compress = 1; },
  { extension = ".map"; mime_type = "application/octet-stream"; compress = 1; },
  { extension = ".ico"; mime_type = "image/x-icon"; compress = 1; }
)
CONF
  (cd "$STATE" && start_bg server /usr/bin/glewlwyd -c "$STATE/glewlwyd.conf" -m console -l INFO)
  echo "export GLEWLWYD_PORT=$port GLEWLWYD_CALLBACK_PORT=$cbport" >"$STATE/env"
  wait_ready "$G/oidc/.well-known/openid-configuration" "$STATE/server.pid"

  # Seed through the admin REST API, as the admin web app does.
  admin=$STATE/admin.jar
  api POST /auth/ "$admin" '{"username":"admin","password":"'"$ADMIN_PASSWORD"'"}'
  client() { # client ID NAME AUTHORIZATION_TYPES REDIRECT_URIS
    api POST /client/ "$admin" '{"client_id":"'"$1"'","name":"'"$2"'","confidential":false,"enabled":true,
      "authorization_type":'"$3"',"redirect_uri":'"$4"',"scope":[]}'
  }
  client implicit-client "Implicit client" '["token","id_token"]' '["'$CB'"]'
  client implicit-two "Implicit client, two redirect URIs" '["token","id_token"]' '["'$CB'","'${CB}2'"]'
  # The harness serves this client's page itself, on GLEWLWYD_CALLBACK_PORT, during the run.
  client browser-client "Implicit client of the browser scenarios" '["token","id_token"]' \
    '["http://127.0.0.1:'$cbport'/cb"]'
  client code-client "Code-only client" '["code"]' '["'$CB'"]' # NOT allowed the implicit grant
  api POST /user/ "$admin" '{"username":"alice","name":"Alice","email":"alice@example.test","enabled":true,
    "password":"'"$PASSWORD"'","scope":["g_profile","openid","scope1","scope2"]}'
  api DELETE /auth/ "$admin"

  # The pre-grant (see the top of this file), with alice's own session.
  user=$STATE/alice.jar
  api POST /auth/ "$user" '{"username":"alice","password":"'"$PASSWORD"'"}'
  for c in implicit-client implicit-two browser-client code-client; do
    api PUT "/auth/grant/$c" "$user" '{"scope":"openid scope1 scope2"}' # space-separated (API.md says commas: 401)
  done
  api DELETE /auth/ "$user"
  # ... and kept for the whole run. The grant screen can still come up (a scope outside the grant, or
  # a client_id in other case: glewlwyd finds the client case-insensitively, the grant case-sensitively),
  # and its "Grant access" with nothing ticked sends PUT /api/auth/grant/implicit-client {"scope":""}:
  # glewlwyd disables every grant row of that client (UPDATE … gcus_enabled=0, then an INSERT per ticked
  # scope), so one such scenario sent every later flow of the client to the grant screen (a run saw 68
  # "could not be judged" after CID-01's IMPLICIT-CLIENT). Rows are never disabled, then: grants only
  # accumulate, as the returning user's, and no scenario changes what the next one meets.
  sqlite3 "$STATE/glewlwyd.db" <<'SQL'
CREATE TRIGGER implicitspec_keep_grants BEFORE UPDATE OF gcus_enabled ON g_client_user_scope
  WHEN NEW.gcus_enabled = 0 BEGIN SELECT RAISE(IGNORE); END;
SQL
  rm -f "$admin" "$user" "$STATE/api.out"
  log "ready: $G/oidc (issuer), $G/glwd (plain OAuth2); callback port $cbport (log $STATE/server.log)"
  ;;
stop)
  stop_pid "$STATE/server.pid"
  ;;
*)
  echo "usage: $0 packages|install|start|stop" >&2
  exit 2
  ;;
esac
