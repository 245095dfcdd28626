#!/usr/bin/env bash
# Three local nats-server processes forming the cluster of nats.conf, for trying R3 streams and
# node failures on one machine:
#
#   infra/nats/local-cluster.sh start     # then NATS_URL=$(infra/nats/local-cluster.sh url) NATS_REPLICAS=3 npm start
#   infra/nats/local-cluster.sh status
#   infra/nats/local-cluster.sh stop      # SIGTERM; add --wipe to delete the stores too
#
# Node i (1..3) listens for clients on NATS_LOCAL_CLIENT_PORT+i-1 (4222..4224), routes on
# NATS_LOCAL_CLUSTER_PORT+i-1 (6222..6224) and monitoring on NATS_LOCAL_HTTP_PORT+i-1
# (8222..8224); stores, logs and pid files live under NATS_LOCAL_DIR (.data/nats-cluster).
# The ports, pid file and routes of nats.conf are overridden by command-line flags.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
conf="$here/nats.conf"
client_base="${NATS_LOCAL_CLIENT_PORT:-4222}"
cluster_base="${NATS_LOCAL_CLUSTER_PORT:-6222}"
http_base="${NATS_LOCAL_HTTP_PORT:-8222}"
dir="${NATS_LOCAL_DIR:-$here/../../.data/nats-cluster}"
bin="${NATS_SERVER_BIN:-nats-server}"

routes() {
  local r=() i
  for i in 0 1 2; do r+=("nats://127.0.0.1:$((cluster_base + i))"); done
  (IFS=,; echo "${r[*]}")
}

url() {
  local u=() i
  for i in 0 1 2; do u+=("nats://127.0.0.1:$((client_base + i))"); done
  (IFS=,; echo "${u[*]}")
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  command -v "$bin" >/dev/null || { echo "nats-server not found (apt-get install nats-server, or set NATS_SERVER_BIN)" >&2; exit 1; }
  mkdir -p "$dir"
  local i n
  for i in 0 1 2; do
    n="n$((i + 1))"
    if port_open "$((client_base + i))"; then
      echo "port $((client_base + i)) is already in use (set NATS_LOCAL_CLIENT_PORT to another base)" >&2
      exit 1
    fi
    mkdir -p "$dir/$n"
    NATS_SERVER_NAME="$n" NATS_STORE_DIR="$dir/$n" nohup "$bin" -c "$conf" \
      -a 127.0.0.1 -p "$((client_base + i))" -m "$((http_base + i))" \
      --cluster "nats://127.0.0.1:$((cluster_base + i))" --routes "$(routes)" \
      -P "$dir/$n.pid" -l "$dir/$n.log" </dev/null >/dev/null 2>&1 &
  done
  for i in 0 1 2; do
    for _ in $(seq 1 100); do port_open "$((client_base + i))" && break; sleep 0.1; done
    port_open "$((client_base + i))" || { echo "node n$((i + 1)) did not start, see $dir/n$((i + 1)).log" >&2; exit 1; }
  done
  echo "cluster up: NATS_URL=$(url)"
}

stop() {
  local i pid
  for i in 1 2 3; do
    [ -f "$dir/n$i.pid" ] || continue
    pid="$(cat "$dir/n$i.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/n$i.pid"
  done
  if [ "${1:-}" = "--wipe" ]; then rm -rf "$dir"; fi
  echo "cluster stopped"
}

status() {
  local i
  for i in 0 1 2; do
    if port_open "$((client_base + i))"; then
      echo "n$((i + 1)): up (client $((client_base + i)), monitoring http://127.0.0.1:$((http_base + i))/jsz)"
    else
      echo "n$((i + 1)): down"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  status) status ;;
  url) url ;;
  *) echo "usage: $0 start | stop [--wipe] | status | url" >&2; exit 2 ;;
esac
