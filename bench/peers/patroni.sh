#!/usr/bin/env bash
# Patroni (Debian's patroni 3.0.2) with one etcd (Debian's etcd-server 3.4) on loopback, two nodes
# node1 and node2, for `bench/run.sh peers`. Runs as the user PostgreSQL accepts (postgres), never
# as root. Every process it starts is a session leader whose id is kept in DIR/<name>.pid.
#   patroni.sh DIR PORT start-dcs                 etcd on PORT (peers on PORT+1)
#   patroni.sh DIR PORT start NODE TTL LOOP_WAIT RETRY_TIMEOUT
#                                                  node1 or node2: PostgreSQL on PORT+11 or PORT+12,
#                                                  REST API on PORT+21 or PORT+22
#   patroni.sh DIR PORT kill NODE                  SIGKILL the node's patroni and all its PostgreSQL
#   patroni.sh DIR PORT switchover LEADER CANDIDATE
#   patroni.sh DIR PORT stop                       every process started here; DIR emptied but for logs
# Settings given to `start` are the bootstrap DCS settings: they count for the first node started
# in a new DIR (a cluster keeps its own in etcd).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/peers/processes.sh
source "$here/processes.sh"

dir=$1
port=$2
command=$3
shift 3
bindir=/usr/lib/postgresql/15/bin
scope=pks-peers

node_number() {
  case $1 in
    node1) echo 1 ;;
    node2) echo 2 ;;
    *) echo "patroni.sh: node1 or node2, not '$1'" >&2; exit 2 ;;
  esac
}

config() {
  local node=$1 ttl=$2 loop_wait=$3 retry_timeout=$4 number
  number=$(node_number "$node")
  cat <<EOF
scope: $scope
name: $node
restapi:
  listen: 127.0.0.1:$((port + 20 + number))
  connect_address: 127.0.0.1:$((port + 20 + number))
etcd3:
  hosts: 127.0.0.1:$port
bootstrap:
  dcs:
    ttl: $ttl
    loop_wait: $loop_wait
    retry_timeout: $retry_timeout
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        max_connections: 200
        wal_keep_size: 1GB
  initdb:
    - encoding: UTF8
    - data-checksums
postgresql:
  listen: 127.0.0.1:$((port + 10 + number))
  connect_address: 127.0.0.1:$((port + 10 + number))
  data_dir: $dir/$node/data
  bin_dir: $bindir
  pgpass: $dir/$node/pgpass
  authentication:
    superuser:
      username: postgres
    replication:
      username: postgres
    rewind:
      username: postgres
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication all 127.0.0.1/32 trust
EOF
}

case $command in
  start-dcs)
    mkdir -p "$dir"
    start_session "$dir" etcd etcd --name etcd --data-dir "$dir/etcd" \
      --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
      --listen-peer-urls "http://127.0.0.1:$((port + 1))" \
      --initial-advertise-peer-urls "http://127.0.0.1:$((port + 1))" \
      --initial-cluster "etcd=http://127.0.0.1:$((port + 1))"
    ;;
  start)
    node=$1
    mkdir -p "$dir/$node"
    config "$@" >"$dir/$node.yml"
    start_session "$dir" "$node" patroni "$dir/$node.yml"
    ;;
  kill)
    kill_session "$dir" "$1" "$dir/$1/data/postmaster.pid"
    ;;
  switchover)
    patronictl -c "$dir/$1.yml" switchover "$scope" --leader "$1" --candidate "$2" --force >/dev/null
    ;;
  stop)
    stop_all "$dir"
    ;;
  *)
    echo "patroni.sh: unknown command '$command'" >&2
    exit 2
    ;;
esac
