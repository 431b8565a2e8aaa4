#!/usr/bin/env bash
# pg_auto_failover (Debian's postgresql-15-auto-failover and pg-auto-failover-cli 2.0) on loopback:
# a monitor and two nodes node1 and node2, for `bench/run.sh peers`. Runs as the user PostgreSQL
# accepts (postgres), never as root. pg_autoctl's own files (configuration, state, pid files) stay
# in DIR/xdg, so `stop` leaves nothing behind.
#   pg_auto_failover.sh DIR PORT start-monitor [SETTING=VALUE...]
#                                       the monitor's PostgreSQL on PORT, with those of its
#                                       pgautofailover.* settings changed (the failover window:
#                                       node_considered_unhealthy_timeout, health_check_period, ...)
#   pg_auto_failover.sh DIR PORT create NODE     node1 or node2 (PostgreSQL on PORT+11 or PORT+12):
#                                                initdb or a clone of the primary, then it runs
#   pg_auto_failover.sh DIR PORT start NODE      an existing node's keeper, again
#   pg_auto_failover.sh DIR PORT kill NODE       SIGKILL the node's keeper and all its PostgreSQL
#   pg_auto_failover.sh DIR PORT switchover
#   pg_auto_failover.sh DIR PORT stop            every process started here; DIR emptied but for logs
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/peers/processes.sh
source "$here/processes.sh"

dir=$1
port=$2
command=$3
shift 3
pgctl=/usr/lib/postgresql/15/bin/pg_ctl
monitor="postgres://autoctl_node@127.0.0.1:$port/pg_auto_failover?sslmode=disable"
export XDG_CONFIG_HOME=$dir/xdg/config XDG_DATA_HOME=$dir/xdg/data XDG_RUNTIME_DIR=$dir/xdg/run

node_port() {
  case $1 in
    node1) echo $((port + 11)) ;;
    node2) echo $((port + 12)) ;;
    *) echo "pg_auto_failover.sh: node1 or node2, not '$1'" >&2; exit 2 ;;
  esac
}

# Waits until the monitor's PostgreSQL answers, then applies the settings given (SETTING=VALUE).
configure_monitor() {
  local attempt setting
  local -a statements=()
  for setting in "$@"; do
    statements+=(-c "ALTER SYSTEM SET pgautofailover.${setting%%=*} = '${setting#*=}'")
  done
  for attempt in $(seq 1 300); do
    if psql -X -q -h 127.0.0.1 -p "$port" -d pg_auto_failover -c 'SELECT 1' >/dev/null 2>&1; then
      psql -X -q -h 127.0.0.1 -p "$port" -d pg_auto_failover -v ON_ERROR_STOP=1 \
        "${statements[@]}" -c 'SELECT pg_reload_conf()' >/dev/null
      return 0
    fi
    sleep 0.1
  done
  echo "pg_auto_failover.sh: the monitor did not answer after $attempt attempts" >&2
  exit 1
}

case $command in
  start-monitor)
    mkdir -p "$dir/xdg/config" "$dir/xdg/data" "$dir/xdg/run"
    chmod 0700 "$dir/xdg/run"
    start_session "$dir" monitor pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$port" \
      --hostname 127.0.0.1 --auth trust --no-ssl --pgctl "$pgctl" --run
    configure_monitor "$@"
    ;;
  create)
    start_session "$dir" "$1" pg_autoctl create postgres --pgdata "$dir/$1" --pgport "$(node_port "$1")" \
      --hostname 127.0.0.1 --name "$1" --monitor "$monitor" --auth trust --no-ssl --pgctl "$pgctl" --run
    ;;
  start)
    start_session "$dir" "$1" pg_autoctl run --pgdata "$dir/$1"
    ;;
  kill)
    kill_session "$dir" "$1" "$dir/$1/postmaster.pid"
    ;;
  switchover)
    pg_autoctl perform switchover --monitor "$monitor" --formation default --group 0 >/dev/null 2>&1
    ;;
  stop)
    stop_all "$dir"
    ;;
  *)
    echo "pg_auto_failover.sh: unknown command '$command'" >&2
    exit 2
    ;;
esac
