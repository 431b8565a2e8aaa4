#!/bin/sh
# Runs one member of the pair in the foreground.
#
# With data in PGDATA it starts PostgreSQL with the operator's rendered configuration, as a standby
# when PGDATA/standby.signal exists. Without data it never initialises itself: it waits for the
# operator's initdb Job (bootstrap of the primary) or seed Job (standby), so a member whose volume
# was lost can never come up empty as a second primary. It also waits while the re-seed marker
# exists, or the marker of a rewind that did not end. SIGTERM or SIGINT give a fast clean shutdown.
#
# The isolation check (docs/safety.md, "An isolated primary stops itself"): while this member runs
# as primary it looks every second for news of its standby (a streaming standby's reply_time in
# pg_stat_replication changed since the last look) and of the API server (a TCP connection opens).
# After PKS_ISOLATION_STOP_SECONDS with neither it leaves PKS_ISOLATION_MARKER and stops PostgreSQL
# (fast shutdown), so that a primary cut off from both acknowledges no commit while the operator
# promotes its standby. With the marker, the member starts as a primary again only once the API
# server answers (the operator can then fence and rejoin it) and the primary that -rw leads to, if
# any, is not on a newer timeline than this member's data.
#
# Environment: PGDATA, PGPORT, PKS_CONFIG_DIR, PKS_REPLICATION_SECRET_DIR (file password),
# PKS_RUN_DIR, PKS_PRIMARY_HOST, PKS_PRIMARY_PORT, PKS_REPLICATION_USER, PKS_MEMBER; optional
# PKS_SLOT_NAME (empty: no slot), PKS_LISTEN_ADDRESSES (default '*'), PKS_TLS_DIR (tls.crt,
# tls.key, optional ca.crt: the member serves TLS and replicates over it). With pgbackrest.conf in
# PKS_CONFIG_DIR (spec.backup) also PKS_STANZA, PKS_BACKUP_SECRET_DIR, PKS_SUPERUSER_SECRET_DIR and
# optional PKS_BACKUP_CA_DIR: archive_command and restore_command then run pgBackRest. The isolation
# check runs with PKS_ISOLATION_STOP_SECONDS, PKS_MONITORING_ROLE and KUBERNETES_SERVICE_HOST (and
# _PORT) set.
set -eu

PKS_SCRIPT=member-entrypoint
. "${0%/*}/pks-common.sh"

require_env PGDATA PGPORT PKS_CONFIG_DIR PKS_REPLICATION_SECRET_DIR \
  PKS_RUN_DIR PKS_PRIMARY_HOST PKS_PRIMARY_PORT PKS_REPLICATION_USER PKS_MEMBER
PKS_SLOT_NAME="${PKS_SLOT_NAME:-}"
PKS_LISTEN_ADDRESSES="${PKS_LISTEN_ADDRESSES:-*}"

postgres_pid=
sleep_pid=
watch_pid=

# shellcheck disable=SC2317 # run by the trap below
on_stop() {
  if [ -n "$postgres_pid" ]; then
    # What pg_ctl stop -m fast sends, without depending on postmaster.pid being written yet; said
    # once sent, as the log line's clock is a process of its own (a switchover's writes wait).
    kill -INT "$postgres_pid" 2>/dev/null || true
    log "stop requested: fast shutdown"
  else
    log "stop requested"
    if [ -n "$sleep_pid" ]; then
      kill "$sleep_pid" 2>/dev/null || true
    fi
    exit 0
  fi
}
trap on_stop TERM INT

# Why this member cannot start yet, or nothing when it can.
reason_to_wait() {
  if [ -e "$PKS_RESEED_MARKER" ]; then
    echo "re-seed requested ($PKS_RESEED_MARKER): waiting to be seeded"
  elif [ -e "$PKS_REWIND_MARKER" ]; then
    echo "a rewind of its data did not end ($PKS_REWIND_MARKER): waiting to be seeded"
  elif [ ! -e "$PGDATA/PG_VERSION" ]; then
    echo "no data: waiting for the initdb or seed Job"
  elif [ -e "$PKS_ISOLATION_MARKER" ]; then
    isolation_hold
  fi
}

# Why a member the isolation check stopped cannot start yet, or nothing (the marker then removed).
# A standby cannot become a second writable primary; a primary waits for the API server, and then
# for a newer primary (a failover happened meanwhile) to have it fenced and re-seeded.
isolation_hold() {
  if [ ! -e "$PGDATA/standby.signal" ]; then
    if [ -z "${KUBERNETES_SERVICE_HOST:-}" ] || ! api_server_answers; then
      echo "stopped as an isolated primary: waiting for the API server ${KUBERNETES_SERVICE_HOST:-(KUBERNETES_SERVICE_HOST unset)} to answer"
      return 0
    fi
    if newer=$(newer_primary) && [ -n "$newer" ]; then
      echo "stopped as an isolated primary: $newer; waiting to be fenced and re-seeded"
      return 0
    fi
  fi
  rm -f "$PKS_ISOLATION_MARKER"
}

# The primary that -rw leads to, when it is on a later timeline than this member's data; nothing
# when it is not, or does not answer.
newer_primary() {
  write_replication_passfile
  control=$(LC_ALL=C pg_controldata "$PGDATA") || return 0
  primary_system=$(identify_primary isolation 2 2> /dev/null) || return 0
  # shellcheck disable=SC2086 # split into the fields systemid, timeline, xlogpos
  set -- $primary_system
  if [ "$(control_value "Database system identifier")" = "$1" ] && [ "$2" -gt "$(data_timeline)" ]; then
    echo "primary $PKS_PRIMARY_HOST:$PKS_PRIMARY_PORT is on timeline $2, newer than this member's $(data_timeline)"
  fi
}

# Seconds since boot: a clock that no adjustment of the time of day moves.
monotonic_seconds() {
  cut -d. -f1 /proc/uptime
}

# The latest reply_time of a streaming standby, as this member's pg_stat_replication shows it;
# nothing on a standby, before the monitoring role exists, or without a streaming standby.
standby_reply() {
  timeout 3 psql -X -A -t -q -h "$PKS_RUN_DIR" -p "$PGPORT" -U "$PKS_MONITORING_ROLE" -d postgres \
    -c "SELECT max(reply_time) FROM pg_stat_replication WHERE state = 'streaming'" 2> /dev/null || true
}

# The isolation check; runs in the background beside PostgreSQL until told it exited (TERM). A
# standby's reply is news only when it changed since the last look (a standby cut off leaves the
# last one there), and no clock of another machine is read. While it writes the marker it ignores
# the signal, so that the marker is flushed before the check ends.
watch_isolation() {
  round_sleep_pid=
  trap 'kill "$round_sleep_pid" 2>/dev/null; exit 0' TERM
  heard=$(monotonic_seconds)
  replied=
  while kill -0 "$postgres_pid" 2> /dev/null; do
    round=$(monotonic_seconds)
    if [ -e "$PGDATA/standby.signal" ]; then
      heard=$round
    else
      reply=$(standby_reply)
      if { [ -n "$reply" ] && [ "$reply" != "$replied" ]; } || api_server_answers; then
        heard=$round
      elif [ $((round - heard)) -ge "$PKS_ISOLATION_STOP_SECONDS" ]; then
        log "isolated: no news of a streaming standby or of the API server for $((round - heard)) s (failover.isolationStopSeconds: $PKS_ISOLATION_STOP_SECONDS): fast shutdown, so that this primary acknowledges no commit; it starts again once the API server answers"
        # The marker first: the restart that follows this stop must find it.
        trap '' TERM
        : > "$PKS_ISOLATION_MARKER"
        kill -INT "$postgres_pid" 2> /dev/null || true
        sync "$PKS_ISOLATION_MARKER"
        return 0
      fi
      replied=$reply
    fi
    # In the background, so that the end of PostgreSQL ends the check at once, not a second later.
    sleep 1 &
    round_sleep_pid=$!
    wait "$round_sleep_pid" || true
  done
}

# Starts the isolation check when the pod has what it needs; says why not otherwise.
start_isolation_check() {
  if [ -z "${PKS_ISOLATION_STOP_SECONDS:-}" ] || [ -z "${PKS_MONITORING_ROLE:-}" ]; then
    return 0
  fi
  if [ -z "${KUBERNETES_SERVICE_HOST:-}" ]; then
    log "isolation check off: KUBERNETES_SERVICE_HOST is not set, so the API server cannot be looked for"
    return 0
  fi
  watch_isolation &
  watch_pid=$!
}

wait_until_startable() {
  logged=
  while reason=$(reason_to_wait) && [ -n "$reason" ]; do
    if [ "$reason" != "$logged" ]; then
      log "$reason"
      logged=$reason
    fi
    # In the background, so that a stop request is handled at once.
    sleep 1 &
    sleep_pid=$!
    wait "$sleep_pid" || true
    sleep_pid=
  done
}

# Creates the pair's stanza in the store once this primary accepts connections (pgBackRest reads
# the system identifier from it); archive_command fails, and PostgreSQL keeps the WAL, until then.
# Idempotent: an existing stanza of the same database is kept.
create_stanza() {
  for _ in $(seq 60); do
    if pg_isready -q -h "$PKS_RUN_DIR" -p "$PGPORT"; then
      if pgbackrest --stanza="$PKS_STANZA" stanza-create > "$PKS_RUN_DIR/stanza-create-output" 2>&1; then
        log "pgBackRest stanza $PKS_STANZA ready"
      else
        log "pgBackRest stanza-create failed: $(tail -n 1 "$PKS_RUN_DIR/stanza-create-output")"
      fi
      return 0
    fi
    sleep 1
  done
}

wait_until_startable
write_replication_passfile
backups=
if [ -e "$PKS_CONFIG_DIR/pgbackrest.conf" ]; then
  require_env PKS_STANZA PKS_BACKUP_SECRET_DIR PKS_SUPERUSER_SECRET_DIR
  use_pgbackrest
  backups=y
fi

set -- -D "$PGDATA" \
  -c config_file="$PKS_CONFIG_DIR/postgresql.conf" \
  -c hba_file="$PKS_CONFIG_DIR/pg_hba.conf" \
  -c ident_file="$PKS_CONFIG_DIR/pg_ident.conf" \
  -c port="$PGPORT" \
  -c listen_addresses="$PKS_LISTEN_ADDRESSES" \
  -c unix_socket_directories="$PKS_RUN_DIR" \
  -c cluster_name="$PKS_MEMBER"
if [ -n "${PKS_TLS_DIR:-}" ]; then
  set -- "$@" -c ssl=on -c ssl_cert_file="$PKS_TLS_DIR/tls.crt" -c ssl_key_file="$PKS_TLS_DIR/tls.key"
fi
if [ -e "$PGDATA/standby.signal" ]; then
  set -- "$@" -c primary_conninfo="$(replication_conninfo "$PKS_MEMBER")"
  if [ -n "$PKS_SLOT_NAME" ]; then
    set -- "$@" -c primary_slot_name="$PKS_SLOT_NAME"
  fi
  starting="as standby of $PKS_PRIMARY_HOST:$PKS_PRIMARY_PORT (slot: ${PKS_SLOT_NAME:-none})"
else
  starting="as primary"
fi

postgres "$@" &
postgres_pid=$!
# Said once PostgreSQL is on its way: the log line's clock is a process of its own.
log "starting $starting"
start_isolation_check
if [ -n "$backups" ] && [ ! -e "$PGDATA/standby.signal" ]; then
  create_stanza &
fi
while :; do
  # wait returns early when a stop request interrupts it; then wait again for the shutdown.
  if wait "$postgres_pid"; then status=0; else status=$?; fi
  if ! kill -0 "$postgres_pid" 2>/dev/null; then
    break
  fi
done
if [ -n "$watch_pid" ]; then
  # Told now rather than left to see it at its next round: the pod ends with PostgreSQL. Waited
  # for, so a marker it writes is complete.
  kill -TERM "$watch_pid" 2>/dev/null || true
  wait "$watch_pid" || true
fi
log "postgres exited with status $status"
exit "$status"
