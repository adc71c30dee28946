#!/usr/bin/env bash
# Installs the named Debian packages when their command is missing: ensure_command CMD [PACKAGE].
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
