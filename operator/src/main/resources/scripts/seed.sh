#!/bin/sh
# Seeds this member as a standby of the primary (the seed Job; the runbook's pg_basebackup into
# "repl", done safely). The member's PostgreSQL must be stopped while it runs.
#
# 1. pg_basebackup -Xs into PKS_STAGING_DIR (removed first) through the replication slot,
#    pg_verifybackup, standby.signal, then the completion marker PKS_STAGING_DIR.complete.
# 2. Swap: PGDATA renamed to PGDATA.previous, staging renamed to PGDATA (same volume: renames).
# 3. Finish: remove PGDATA.previous, the re-seed marker, then the completion marker.
# 0. Before copying, compare the data PGDATA already holds (pg_controldata) with the primary's
#    (IDENTIFY_SYSTEM) and refuse to replace it when it is another database system, or newer: of a
#    later timeline, or later on the same timeline (docs/safety.md, "Bootstrap and seeding").
# The previous data stays until a complete, verified copy exists. A re-run after an interruption
# at any point is safe: with the completion marker it resumes the swap or the finish instead of
# cloning again; without it, the unfinished copy is discarded and the previous data is untouched.
# On failure it exits non-zero with one line on stderr saying why.
#
# Environment: PGDATA, PKS_STAGING_DIR, PKS_REPLICATION_SECRET_DIR (file password), PKS_RUN_DIR,
# PKS_PRIMARY_HOST, PKS_PRIMARY_PORT, PKS_REPLICATION_USER, PKS_MEMBER; optional PKS_SLOT_NAME
# (empty: no slot), PKS_TLS_DIR (copy over TLS, see replication_tls).
set -eu

PKS_SCRIPT=seed
. "$(dirname "$0")/pks-common.sh"

require_env PGDATA PKS_STAGING_DIR PKS_REPLICATION_SECRET_DIR PKS_RUN_DIR PKS_PRIMARY_HOST \
  PKS_PRIMARY_PORT PKS_REPLICATION_USER PKS_MEMBER
PKS_SLOT_NAME="${PKS_SLOT_NAME:-}"

primary="$PKS_PRIMARY_HOST:$PKS_PRIMARY_PORT"
complete_marker="$PKS_STAGING_DIR.complete"
previous="$PGDATA.previous"
tool_output="$PKS_RUN_DIR/seed-tool-output"

# One line saying why pg_basebackup failed, from its messages in $1.
explain_failure() {
  if grep -q 'certificate verify failed' "$1"; then
    echo "primary $primary's certificate is not signed by ca.crt of the TLS Secret"
  elif grep -q 'server does not support SSL' "$1"; then
    echo "primary $primary does not serve TLS, which replication requires"
  elif grep -q 'password authentication failed' "$1"; then
    echo "wrong password for replication user $PKS_REPLICATION_USER on primary $primary"
  elif grep -q -e 'pg_hba.conf' "$1"; then
    echo "primary $primary refused the replication connection of this member (pg_hba.conf)"
  elif grep -q -e 'Connection refused' -e 'timeout expired' -e 'could not translate host name' \
      -e 'No route to host' -e 'Network is unreachable' "$1"; then
    echo "primary $primary unreachable: $(grep -o -m1 -e 'Connection refused' -e 'timeout expired' \
      -e 'could not translate host name' -e 'No route to host' -e 'Network is unreachable' "$1" | head -n 1)"
  elif grep -q 'replication slot .* does not exist' "$1"; then
    echo "replication slot $PKS_SLOT_NAME does not exist on primary $primary"
  elif grep -q 'replication slot .* is active' "$1"; then
    echo "replication slot $PKS_SLOT_NAME is in use on primary $primary (is this member still running?)"
  elif grep -q 'No space left on device' "$1"; then
    echo "no space left on the data volume for a second copy of the database"
  else
    echo "pg_basebackup from $primary failed: $(grep -v '^[[:space:]]*$' "$1" | tail -n 1)"
  fi
}

# Shows a tool's messages in the log and ends with one line on stderr.
give_up() {
  sed 's/^/  | /' "$tool_output"
  rm -rf "$PKS_STAGING_DIR"
  fail "$1; previous data in $PGDATA left untouched"
}

# A WAL position "X/Y" as one number (shell arithmetic is 64-bit).
lsn_number() {
  echo $(( (0x${1%/*} << 32) + 0x${1#*/} ))
}

# How far PGDATA's WAL is known to reach: its last checkpoint, or a standby's minimum recovery
# point beyond it. WAL written after the last checkpoint of a crashed member is not counted.
data_position() {
  checkpoint=$(control_value "Latest checkpoint location")
  recovered=$(control_value "Minimum recovery ending location")
  if [ "$(lsn_number "$recovered")" -gt "$(lsn_number "$checkpoint")" ]; then
    echo "$recovered"
  else
    echo "$checkpoint"
  fi
}

# Refuses (the data untouched) when PGDATA holds a database that is not an older state of the
# primary's. A folder pg_controldata cannot read holds no database to keep.
refuse_to_replace_newer_data() {
  if ! control=$(LC_ALL=C pg_controldata "$PGDATA" 2>/dev/null); then
    return 0
  fi
  write_replication_passfile
  if ! primary_system=$(identify_primary seed 10 2> "$tool_output"); then
    give_up "$(explain_failure "$tool_output")"
  fi
  # shellcheck disable=SC2086 # split into the fields systemid, timeline, xlogpos
  set -- $primary_system
  system=$(control_value "Database system identifier")
  timeline=$(data_timeline)
  position=$(data_position)
  kept="previous data in $PGDATA left untouched"
  if [ "$system" != "$1" ]; then
    refuse "$PKS_MEMBER holds another database system than the primary (system identifier $system, the primary's $1): not replaced; $kept"
  elif [ "$timeline" -gt "$2" ]; then
    refuse "$PKS_MEMBER holds newer data than the primary: its data reached timeline $timeline, the primary's is $2; $kept"
  elif [ "$timeline" -eq "$2" ] && [ "$(lsn_number "$position")" -gt "$(lsn_number "$3")" ]; then
    refuse "$PKS_MEMBER holds newer data than the primary: on timeline $2 its data reaches $position, the primary only $3; $kept"
  fi
  log "data in $PGDATA (timeline $timeline, $position) is not newer than primary $primary's (timeline $2, $3): it is replaced"
}

clone() {
  refuse_to_replace_newer_data
  rm -rf "$PKS_STAGING_DIR"
  write_replication_passfile
  log "copying primary $primary into $PKS_STAGING_DIR as $PKS_REPLICATION_USER (slot: ${PKS_SLOT_NAME:-none})"
  set -- -D "$PKS_STAGING_DIR" -Fp -Xs -c fast -w -l "pks seed of $PKS_MEMBER" \
    -d "$(replication_conninfo "$PKS_MEMBER-seed") connect_timeout=10"
  if [ -n "$PKS_SLOT_NAME" ]; then
    set -- "$@" -S "$PKS_SLOT_NAME"
  fi
  if ! pg_basebackup "$@" > "$tool_output" 2>&1; then
    give_up "$(explain_failure "$tool_output")"
  fi
  if ! pg_verifybackup -q "$PKS_STAGING_DIR" > "$tool_output" 2>&1; then
    give_up "verification of the copy failed: $(grep -v '^[[:space:]]*$' "$tool_output" | head -n 1)"
  fi
  : > "$PKS_STAGING_DIR/standby.signal"
  sync "$PKS_STAGING_DIR/standby.signal" "$PKS_STAGING_DIR"
  : > "$complete_marker"
  sync "$complete_marker" "$(dirname "$complete_marker")"
  log "copy complete and verified"
}

swap() {
  if [ -e "$PGDATA" ]; then
    rm -rf "$previous"
    mv "$PGDATA" "$previous"
  fi
  mv "$PKS_STAGING_DIR" "$PGDATA"
  sync "$(dirname "$PGDATA")"
  log "copy swapped into $PGDATA"
}

finish() {
  rm -rf "$previous"
  rm -f "$PKS_RESEED_MARKER"
  rm -f "$complete_marker"
  sync "$(dirname "$PGDATA")"
  log "seed complete: $PGDATA is a standby of $primary"
}

if [ -e "$complete_marker" ] && [ ! -e "$PKS_STAGING_DIR" ]; then
  log "resuming an interrupted seed: the verified copy is already in $PGDATA"
elif [ -e "$complete_marker" ]; then
  log "resuming an interrupted seed: a verified copy is waiting in $PKS_STAGING_DIR"
  swap
else
  clone
  swap
fi
finish
