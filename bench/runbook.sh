#!/bin/sh
# The runbook the operator replaces (shared seed, "PKS Standby failover architecture", French) as a
# plain script, for the bootstrap benchmark: the administrator's steps on this machine's PostgreSQL,
# without the typing. The two sites are two servers on loopback ports instead of two hosts, and
# psql reaches the primary over its Unix socket instead of through docker exec. Two deviations:
# pg_basebackup gets -c fast, as the operator's seed Job does (the runbook's default spread
# checkpoint waits seconds on an idle primary, which would flatter the operator), and the
# replication password is random instead of 123456.
#
#   runbook.sh deploy     the primary site as the platform deploys it: initdb (then, with
#                         PGBENCH_SCALE set, a pgbench dataset of that scale)
#   runbook.sh replicate  the runbook: role, pg_hba.conf, postgresql.conf, restart, pg_basebackup -R
#                         into repl, repl as the standby's data, start; ends once the primary
#                         reports the standby streaming in sync
#   runbook.sh stop       stops both servers at once
#
# Environment: RUNBOOK_DIR (primary/, standby/; superuser-password is initdb's), PRIMARY_PORT,
# STANDBY_PORT, REPLICATION_PASSWORD, optional PGBENCH_SCALE, and PATH with PostgreSQL's binaries.
set -eu

primary="$RUNBOOK_DIR/primary"
repl="$RUNBOOK_DIR/repl"
standby="$RUNBOOK_DIR/standby"
sockets="$RUNBOOK_DIR/sockets"
mkdir -p "$sockets"

start() {
  pg_ctl -D "$1" -l "$1.log" -w -o "-p $2 -k $sockets -c listen_addresses=127.0.0.1" start > /dev/null
}

on_primary() {
  psql -X -q -h "$sockets" -p "$PRIMARY_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

deploy() {
  initdb -D "$primary" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$RUNBOOK_DIR/superuser-password" > "$RUNBOOK_DIR/initdb.log"
  if [ -n "${PGBENCH_SCALE:-}" ]; then
    start "$primary" "$PRIMARY_PORT"
    pgbench -i -q -s "$PGBENCH_SCALE" -h "$sockets" -p "$PRIMARY_PORT" -U postgres postgres \
      2> "$RUNBOOK_DIR/pgbench.log"
    pg_ctl -D "$primary" -w stop > /dev/null
  fi
}

replicate() {
  start "$primary" "$PRIMARY_PORT"

  # "Préparation du serveur primaire": the role, pg_hba.conf, postgresql.conf, a restart.
  on_primary -c "CREATE ROLE repuser WITH LOGIN REPLICATION CONNECTION LIMIT 5 PASSWORD '$REPLICATION_PASSWORD'"
  echo "host replication repuser 127.0.0.1/32 md5" >> "$primary/pg_hba.conf"
  cat >> "$primary/postgresql.conf" <<CONF
archive_mode = on
archive_command = '/bin/date'
max_wal_senders = 10
wal_keep_size = 16
synchronous_standby_names = '*'
CONF
  pg_ctl -D "$primary" -w stop > /dev/null
  start "$primary" "$PRIMARY_PORT"

  # "Configuration du serveur secondaire": pg_basebackup -R into repl, repl becomes the data folder.
  PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -R -D "$repl" -Fp -Xs -c fast -v -P \
    -h 127.0.0.1 -p "$PRIMARY_PORT" -U repuser 2> "$RUNBOOK_DIR/pg_basebackup.log"
  rm -rf "$standby"
  mv "$repl" "$standby"
  start "$standby" "$STANDBY_PORT"

  # "Visualiser les informations de réplication": pg_stat_replication on the primary.
  until [ "$(on_primary -At -c "SELECT count(*) FROM pg_stat_replication
      WHERE state = 'streaming' AND sync_state = 'sync'")" = 1 ]; do
    sleep 0.05
  done
}

stop() {
  for data in "$standby" "$primary"; do
    if [ -e "$data/postmaster.pid" ]; then
      pg_ctl -D "$data" -m immediate -w stop > /dev/null
    fi
  done
}

case "${1:-}" in
  deploy) deploy ;;
  replicate) replicate ;;
  stop) stop ;;
  *) echo "usage: runbook.sh deploy|replicate|stop" >&2; exit 2 ;;
esac
