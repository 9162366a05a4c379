#!/usr/bin/env bash
# Runs the implicitspec suite against real authorization servers on 127.0.0.1.
#
#   testdata/idps/run.sh                       the four CI runs: hydra dot oidc-provider glewlwyd
#   testdata/idps/run.sh dot                   just one
#   testdata/idps/run.sh dot -- CMD ARGS…      start, then run CMD instead of the test (e.g. the CLI)
#   testdata/idps/run.sh dot -- go test ./internal/idps -run TestIdPs -update-idps   re-record expected.yaml
#
# Each server is installed from the registries this machine reaches (Debian apt, npm, the Go module proxy;
# idempotent), started on free ports, seeded (a user, an implicit client, a client not allowed implicit),
# and stopped when this script exits. CMD runs with the servers' port variables and
# IMPLICITSPEC_IDPS=name=testdata/idps/name/profile.yaml,… exported; the default CMD is
#   go test -count=1 -timeout 60m -run TestIdPs -v ./internal/idps
# which fails when the outcome differs from testdata/idps/<name>/expected.yaml.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
IDP_NAME=run

names=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  names+=("$1")
  shift
done
[ "${1:-}" = "--" ] && shift
[ ${#names[@]} -gt 0 ] || names=(hydra dot oidc-provider glewlwyd)
cmd=("$@")
[ ${#cmd[@]} -gt 0 ] || cmd=(go test -count=1 -timeout 60m -run TestIdPs -v ./internal/idps)

for n in "${names[@]}"; do
  [ -x "$IDPS_DIR/$n/server.sh" ] || die "unknown server $n (known: $(cd "$IDPS_DIR" && ls -d */ | tr -d / | tr '\n' ' '))"
done

started=()
stop_all() {
  local rc=$?
  for n in "${started[@]}"; do "$IDPS_DIR/$n/server.sh" stop || true; done
  exit $rc
}
trap stop_all EXIT INT TERM

# One apt-get update, one apt-get install for everything missing; then each server's own install.
pkgs=(python3 curl)
for n in "${names[@]}"; do
  read -r -a p <<<"$("$IDPS_DIR/$n/server.sh" packages | tr '\n' ' ')"
  pkgs+=("${p[@]}")
done
apt_install "${pkgs[@]}"
for n in "${names[@]}"; do
  "$IDPS_DIR/$n/server.sh" install
done
idps=
for n in "${names[@]}"; do
  started+=("$n")
  "$IDPS_DIR/$n/server.sh" start
  source "$IDPS_RUN_DIR/$n/env"
  idps+="${idps:+,}$n=testdata/idps/$n/profile.yaml"
done
export IMPLICITSPEC_IDPS=$idps
cd "$REPO_DIR"
log "IMPLICITSPEC_IDPS=$IMPLICITSPEC_IDPS; running: ${cmd[*]}"
"${cmd[@]}"
