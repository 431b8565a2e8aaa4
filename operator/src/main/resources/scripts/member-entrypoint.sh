#!/bin/sh
# Runs one member of the pair in the foreground.
#
# With data in PGDATA it starts PostgreSQL with the operator's rendered configuration, as a standby
# when PGDATA/standby.signal exists. Without data it never initialises itself: it waits for the
# operator's initdb Job (bootstrap of the primary) or seed Job (standby), so a member whose volume
# was lost can never come up empty as a second primary. It also waits while the re-seed marker
# exists, or the marker of a rewind that did not end. SIGTERM or SIGINT give a fast clean shutdown.
#
# Environment: PGDATA, PGPORT, PKS_CONFIG_DIR, PKS_REPLICATION_SECRET_DIR (file password),
# PKS_RUN_DIR, PKS_PRIMARY_HOST, PKS_PRIMARY_PORT, PKS_REPLICATION_USER, PKS_MEMBER; optional
# PKS_SLOT_NAME (empty: no slot), PKS_LISTEN_ADDRESSES (default '*'), PKS_TLS_DIR (tls.crt,
# tls.key, optional ca.crt: the member serves TLS and replicates over it). With pgbackrest.conf in
# PKS_CONFIG_DIR (spec.backup) also PKS_STANZA, PKS_BACKUP_SECRET_DIR, PKS_SUPERUSER_SECRET_DIR and
# optional PKS_BACKUP_CA_DIR: archive_command and restore_command then run pgBackRest.
set -eu

PKS_SCRIPT=member-entrypoint
. "$(dirname "$0")/pks-common.sh"

require_env PGDATA PGPORT PKS_CONFIG_DIR PKS_REPLICATION_SECRET_DIR \
  PKS_RUN_DIR PKS_PRIMARY_HOST PKS_PRIMARY_PORT PKS_REPLICATION_USER PKS_MEMBER
PKS_SLOT_NAME="${PKS_SLOT_NAME:-}"
PKS_LISTEN_ADDRESSES="${PKS_LISTEN_ADDRESSES:-*}"

postgres_pid=
sleep_pid=

# shellcheck disable=SC2317 # run by the trap below
on_stop() {
  if [ -n "$postgres_pid" ]; then
    log "stop requested: fast shutdown"
    # What pg_ctl stop -m fast sends, without depending on postmaster.pid being written yet.
    kill -INT "$postgres_pid" 2>/dev/null || true
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
  fi
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
  log "starting as standby of $PKS_PRIMARY_HOST:$PKS_PRIMARY_PORT (slot: ${PKS_SLOT_NAME:-none})"
else
  log "starting as primary"
fi

postgres "$@" &
postgres_pid=$!
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
log "postgres exited with status $status"
exit "$status"
