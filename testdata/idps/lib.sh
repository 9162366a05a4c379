# Shared helpers of the real-server scripts (sourced, not run).
# Every server listens on 127.0.0.1 only, on ports chosen at run time.

IDPS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$IDPS_DIR/../.." && pwd)
# Where servers keep their state, logs, pid files and the env file run.sh sources.
IDPS_RUN_DIR=${IDPS_RUN_DIR:-${TMPDIR:-/tmp}/implicitspec-idps}

log() { printf '[idps %s] %s\n' "${IDP_NAME:-?}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# free_port prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_ready URL PIDFILE [TRIES]: polls URL (2xx) every 0.2 s while the process lives.
wait_ready() {
  local url=$1 pidfile=$2 tries=${3:-150}
  for ((i = 0; i < tries; i++)); do
    if curl -sf -o /dev/null --max-time 2 "$url"; then return 0; fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      log "process exited before $url answered; last log lines:"
      tail -n 30 "${pidfile%.pid}.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  log "$url not ready after $((tries / 5)) s; last log lines:"
  tail -n 30 "${pidfile%.pid}.log" >&2 || true
  return 1
}

# start_bg NAME CMD...: starts CMD in the background, logs to $STATE/NAME.log, pid in $STATE/NAME.pid.
start_bg() {
  local name=$1
  shift
  nohup "$@" >"$STATE/$name.log" 2>&1 &
  echo $! >"$STATE/$name.pid"
}

# stop_pid PIDFILE: stops the process this script started (by its pid), TERM then KILL.
stop_pid() {
  local pidfile=$1 pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

# apt_install PKG...: installs Debian packages unless already present (idempotent).
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  if [ -z "${IDPS_APT_UPDATED:-}" ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    export IDPS_APT_UPDATED=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
