#!/bin/sh
# Restores the bootstrap primary's first data from a pgBackRest backup (the restore Job, in place
# of the initdb Job) and replays the archived WAL to the target: PKS_RECOVERY_TARGET_TIME,
# PKS_RECOVERY_TARGET_LSN, or the end of the archive when neither is set. The member's PostgreSQL
# is not running: the operator keeps its StatefulSet at zero replicas until this Job has succeeded.
#
# The restore goes into a scratch folder, where a private PostgreSQL (socket only, in a folder
# only this script can enter, archiving off so nothing is written into the source's archive, and
# waiting for no synchronous standby)
# replays the WAL and promotes at the target. The superuser's password is then set to this pair's
# Secret (the backup holds the source pair's), PostgreSQL stops cleanly, pgBackRest's recovery
# settings are removed, and the folder is renamed into place. Existing data is never touched (see
# keep_existing_data). On failure it exits non-zero with one line on stderr saying why.
#
# Environment: PGDATA, PGPORT, PKS_CONFIG_DIR (postgresql.conf, pgbackrest-recovery.conf),
# PKS_RUN_DIR, PKS_SUPERUSER_SECRET_DIR (files username, password), PKS_RECOVERY_SOURCE (stanza),
# PKS_RECOVERY_SECRET_DIR (files accessKeyId, secretAccessKey), optional PKS_RECOVERY_CA_DIR
# (ca.crt), PKS_RECOVERY_TARGET_TIME, PKS_RECOVERY_TARGET_LSN.
set -eu

PKS_SCRIPT=restore
. "${0%/*}/pks-common.sh"

require_env PGDATA PGPORT PKS_CONFIG_DIR PKS_RUN_DIR PKS_SUPERUSER_SECRET_DIR PKS_RECOVERY_SOURCE \
  PKS_RECOVERY_SECRET_DIR
keep_existing_data

scratch="$PGDATA.restore"
tool_output="$PKS_RUN_DIR/restore-tool-output"
replay_log="$PKS_RUN_DIR/restore-replay.log"
superuser=$(cat "$PKS_SUPERUSER_SECRET_DIR/username")
rm -rf "$scratch"
mkdir -m 0700 "$scratch"
# The private PostgreSQL's socket, in a folder of its own (mode 0700) under /tmp: a socket's path
# must stay under about 100 bytes, which a folder under PKS_RUN_DIR may not.
socket_dir=$(mktemp -d /tmp/pks-restore.XXXXXX)
write_pgbackrest_config "$PKS_CONFIG_DIR/pgbackrest-recovery.conf" "$PKS_RECOVERY_SOURCE" \
  "$PKS_RECOVERY_SECRET_DIR" "${PKS_RECOVERY_CA_DIR:-}" "$PKS_RUN_DIR/pgbackrest-recovery.conf" "$scratch"
PGBACKREST_CONFIG="$PKS_RUN_DIR/pgbackrest-recovery.conf"
export PGBACKREST_CONFIG

# pgBackRest picks the backup to start from by comparing times in this form.
pgbackrest_time() {
  printf '%s' "$1" | sed -e 's/T/ /' -e 's/Z$/+00/'
}

target="the end of the archive"
set -- --stanza="$PKS_RECOVERY_SOURCE"
if [ -n "${PKS_RECOVERY_TARGET_TIME:-}" ]; then
  target="time $PKS_RECOVERY_TARGET_TIME"
  set -- "$@" --type=time --target="$(pgbackrest_time "$PKS_RECOVERY_TARGET_TIME")" --target-action=promote
elif [ -n "${PKS_RECOVERY_TARGET_LSN:-}" ]; then
  target="LSN $PKS_RECOVERY_TARGET_LSN"
  set -- "$@" --type=lsn --target="$PKS_RECOVERY_TARGET_LSN" --target-action=promote
fi

give_up() {
  rm -rf "$scratch" "$socket_dir"
  fail "$1"
}

log "restoring stanza $PKS_RECOVERY_SOURCE to $target"
if ! pgbackrest "$@" restore > "$tool_output" 2>&1; then
  sed 's/^/  | /' "$tool_output"
  # [075]: no backup ended before the target time, so nothing can be replayed to it.
  if grep -q 'ERROR: \[075\]' "$tool_output"; then
    give_up "target $target is before the end of the first backup of $PKS_RECOVERY_SOURCE: no backup can reach it"
  fi
  give_up "pgbackrest restore failed: $(grep -m 1 -E 'ERROR|FATAL' "$tool_output" || tail -n 1 "$tool_output")"
fi

# One line saying why the replay stopped short, from PostgreSQL's log.
explain_replay_failure() {
  if grep -q 'before consistent recovery point' "$replay_log"; then
    echo "target $target is before the end of the earliest backup that could reach it: the first recoverable point is later"
  elif grep -q 'recovery ended before configured recovery target was reached' "$replay_log"; then
    echo "target $target is after the last WAL archived by $PKS_RECOVERY_SOURCE"
  else
    echo "replay to $target failed: $(grep -m 1 -E 'FATAL|PANIC' "$replay_log" || tail -n 1 "$replay_log")"
  fi
}

printf 'local all all trust\n' > "$socket_dir/pg_hba.conf"
postgres -D "$scratch" -c config_file="$PKS_CONFIG_DIR/postgresql.conf" \
  -c hba_file="$socket_dir/pg_hba.conf" -c listen_addresses='' -c port="$PGPORT" \
  -c unix_socket_directories="$socket_dir" -c archive_mode=off -c synchronous_standby_names= \
  > "$replay_log" 2>&1 &
postgres_pid=$!

# Whether the replay has ended with a promotion; ends the script when it never can.
promoted() {
  if psql -h "$socket_dir" -p "$PGPORT" -U "$superuser" -d postgres -XAtc 'select pg_is_in_recovery()' \
      > "$tool_output" 2>&1; then
    [ "$(cat "$tool_output")" = f ]
  elif grep -q "role .* does not exist" "$tool_output"; then
    pg_ctl stop -D "$scratch" -m immediate -w > /dev/null 2>&1 || true
    give_up "superuser $superuser of this pair's Secret is not a role of the restored database"
  else
    return 1
  fi
}

until promoted; do
  if ! kill -0 "$postgres_pid" 2>/dev/null; then
    sed 's/^/  | /' "$replay_log"
    give_up "$(explain_replay_failure)"
  fi
  sleep 1
done
log "replayed to $target: $(psql -h "$socket_dir" -p "$PGPORT" -U "$superuser" -d postgres -XAtc \
  "select 'timeline ' || timeline_id || ', redo at ' || redo_lsn from pg_control_checkpoint()")"

# The password travels on psql's standard input, never in an argument.
{
  printf 'ALTER ROLE "%s" PASSWORD ' "$(printf '%s' "$superuser" | sed 's/"/""/g')"
  printf "'%s';\n" "$(sed "s/'/''/g" "$PKS_SUPERUSER_SECRET_DIR/password")"
} | psql -h "$socket_dir" -p "$PGPORT" -U "$superuser" -d postgres -Xq -v ON_ERROR_STOP=1 > "$tool_output" 2>&1 \
  || give_up "cannot set the password of superuser $superuser in the restored database: $(tail -n 1 "$tool_output")"

pg_ctl stop -D "$scratch" -m fast -w > "$tool_output" 2>&1 || give_up "PostgreSQL did not stop after the replay"
# The source primary's synchronous_standby_names (ALTER SYSTEM) goes too: the restored primary has
# no standby yet, and the operator names it once it streams.
sed -i -e '/^restore_command/d' -e '/^recovery_target/d' -e '/^synchronous_standby_names/d' \
  "$scratch/postgresql.auto.conf"
rm -rf "$socket_dir"
mv "$scratch" "$PGDATA"
sync "$PKS_DATA_PARENT"
log "restore complete"
