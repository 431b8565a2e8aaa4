#!/bin/sh
# Seeds this member as a standby of the primary (the seed Job; the runbook's pg_basebackup into
# "repl", done safely). The member's PostgreSQL must be stopped while it runs.
#
# 1. pg_basebackup -Xs into PKS_STAGING_DIR (removed first) through the replication slot,
#    standby.signal, pg_verifybackup while the file system is flushed, then the completion
#    marker PKS_STAGING_DIR.complete.
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
# Rejoin (PKS_REWIND=y, an old primary after a switchover or failover): before copying, when the
# data is of an older timeline that the primary's history forked from, and the primary still holds
# its WAL from that fork on, pg_rewind makes the data the primary's instead (only the blocks
# changed since the fork are copied); a clean stop at the fork needs no rewind at all. When the
# timelines do not allow it or pg_rewind fails, the copy above is made. An interrupted rewind leaves
# a marker beside PGDATA: the member does not start from that data, and the next run copies.
#
# On success it writes one line to PKS_TERMINATION_LOG (the Job's termination message, read by
# the operator): "rewound: ..." or "copied: ...", saying how the member became the standby.
#
# Environment: PGDATA, PKS_STAGING_DIR, PKS_REPLICATION_SECRET_DIR (file password), PKS_RUN_DIR,
# PKS_PRIMARY_HOST, PKS_PRIMARY_PORT, PKS_REPLICATION_USER, PKS_MEMBER; optional PKS_SLOT_NAME
# (empty: no slot), PKS_TLS_DIR (copy over TLS, see replication_tls), PKS_TERMINATION_LOG, and
# PKS_REWIND with PKS_SUPERUSER_SECRET_DIR (files username, password: pg_rewind reads the
# primary's files through an ordinary session, which the replication role may not open).
set -eu

PKS_SCRIPT=seed
. "${0%/*}/pks-common.sh"

require_env PGDATA PKS_STAGING_DIR PKS_REPLICATION_SECRET_DIR PKS_RUN_DIR PKS_PRIMARY_HOST \
  PKS_PRIMARY_PORT PKS_REPLICATION_USER PKS_MEMBER
PKS_SLOT_NAME="${PKS_SLOT_NAME:-}"
PKS_REWIND="${PKS_REWIND:-}"

primary="$PKS_PRIMARY_HOST:$PKS_PRIMARY_PORT"
complete_marker="$PKS_STAGING_DIR.complete"
previous="$PGDATA.previous"
tool_output="$PKS_RUN_DIR/seed-tool-output"

# The report the operator reads: one line, its first word saying how the member became the standby.
report() {
  log "$*"
  if [ -n "${PKS_TERMINATION_LOG:-}" ]; then
    printf '%s\n' "$*" > "$PKS_TERMINATION_LOG"
  fi
}

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
    control=
    return 0
  fi
  write_replication_passfile
  if ! primary_system=$(identify_primary seed 10 2> "$tool_output"); then
    give_up "$(explain_failure "$tool_output")"
  fi
  # shellcheck disable=SC2086 # split into the fields systemid, timeline, xlogpos
  set -- $primary_system
  primary_timeline=$2
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
  rm -rf "$PKS_STAGING_DIR"
  write_replication_passfile
  log "copying primary $primary into $PKS_STAGING_DIR as $PKS_REPLICATION_USER (slot: ${PKS_SLOT_NAME:-none})"
  set -- -D "$PKS_STAGING_DIR" -Fp -Xs -c fast -w -N -l "pks seed of $PKS_MEMBER" \
    -d "$(replication_conninfo "$PKS_MEMBER-seed") connect_timeout=10"
  if [ -n "$PKS_SLOT_NAME" ]; then
    set -- "$@" -S "$PKS_SLOT_NAME"
  fi
  if ! pg_basebackup "$@" > "$tool_output" 2>&1; then
    give_up "$(explain_failure "$tool_output")"
  fi
  # pg_verifybackup ignores standby.signal. The copy (pg_basebackup ran with --no-sync) and
  # standby.signal are flushed to disk while pg_verifybackup reads them back from memory: both
  # must succeed before the marker that says the copy is complete.
  : > "$PKS_STAGING_DIR/standby.signal"
  sync_file_system "$PKS_STAGING_DIR" &
  flush_pid=$!
  if ! pg_verifybackup -q "$PKS_STAGING_DIR" > "$tool_output" 2>&1; then
    wait "$flush_pid" || true
    give_up "verification of the copy failed: $(grep -v '^[[:space:]]*$' "$tool_output" | head -n 1)"
  fi
  if ! wait "$flush_pid"; then
    give_up "the copy could not be flushed to disk"
  fi
  : > "$complete_marker"
  sync "$complete_marker" "${complete_marker%/*}"
  log "copy complete and verified"
}

swap() {
  if [ -e "$PGDATA" ]; then
    rm -rf "$previous"
    mv "$PGDATA" "$previous"
  fi
  mv "$PKS_STAGING_DIR" "$PGDATA"
  sync "$PKS_DATA_PARENT"
  log "copy swapped into $PGDATA"
}

finish() {
  rm -rf "$previous"
  rm -f "$PKS_RESEED_MARKER" "$PKS_REWIND_MARKER"
  rm -f "$complete_marker"
  sync "$PKS_DATA_PARENT"
}

# Connection string of pg_rewind's session on the primary, as the superuser.
superuser_conninfo() {
  printf 'host=%s port=%s user=%s passfile=%s dbname=postgres application_name=%s connect_timeout=10%s' \
    "$(conninfo_value "$PKS_PRIMARY_HOST")" "$(conninfo_value "$PKS_PRIMARY_PORT")" \
    "$(conninfo_value "$(cat "$PKS_SUPERUSER_SECRET_DIR/username")")" \
    "$(conninfo_value "$PKS_RUN_DIR/superuser.pgpass")" "$(conninfo_value "$PKS_MEMBER-rewind")" "$(replication_tls)"
}

# The last line of a tool's messages in $tool_output.
last_message() {
  grep -v '^[[:space:]]*$' "$tool_output" | tail -n 1
}

# Sets why_copy to why PGDATA cannot be rewound to the primary's timeline, left empty when it can,
# and fork to where the primary's history left PGDATA's timeline. After refuse_to_replace_newer_data.
check_rewind() {
  why_copy=
  if [ -z "$control" ]; then
    why_copy="$PGDATA holds no database to rewind"
    return 0
  fi
  if [ -e "$PKS_REWIND_MARKER" ]; then
    why_copy="an earlier rewind of $PGDATA was interrupted"
    return 0
  fi
  timeline=$(data_timeline)
  if [ "$timeline" -ge "$primary_timeline" ]; then
    why_copy="its data is on the primary's timeline $primary_timeline: there is no fork to rewind from"
    return 0
  fi
  if ! history=$(LC_ALL=C psql -X -A -t -F "|" -c "TIMELINE_HISTORY $primary_timeline" \
      -d "$(replication_conninfo "$PKS_MEMBER-seed") replication=true connect_timeout=10" 2> "$tool_output"); then
    why_copy="the primary's timeline history could not be read: $(last_message)"
    return 0
  fi
  # The history file's lines: parent timeline, where the next one left it, why.
  fork=$(printf '%s\n' "$history" | sed 's/^[0-9A-F]*\.history|//' \
    | awk -v tl="$timeline" '$1 == tl && $2 ~ /^[0-9A-F]+\/[0-9A-F]+$/ { print $2 }')
  if [ -z "$fork" ]; then
    why_copy="its timeline $timeline is not in the history of the primary's timeline $primary_timeline"
    return 0
  fi
  write_passfile "$(cat "$PKS_SUPERUSER_SECRET_DIR/username")" "$PKS_SUPERUSER_SECRET_DIR/password" \
    "$PKS_RUN_DIR/superuser.pgpass"
  # The standby replays from the fork on: the primary must still hold the segment it is in.
  if ! held=$(LC_ALL=C psql -X -A -t -d "$(superuser_conninfo)" -c "SELECT coalesce(min(substr(name, 9)) \
      <= substr(pg_walfile_name('$fork'), 9), false) FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}\$'" \
      2> "$tool_output"); then
    why_copy="the primary's WAL files could not be listed: $(last_message)"
  elif [ "$held" != t ]; then
    why_copy="the primary no longer holds the WAL from the fork at $fork on"
  fi
}

# pg_rewind reads the primary's timeline from its control file, which a promotion updates only at
# its first checkpoint: before it, pg_rewind takes a diverged member for one on the same timeline
# that needs no rewind. A checkpoint first, when the control file still names an older timeline.
checkpoint_promoted_primary() {
  control_timeline=$(LC_ALL=C psql -X -A -t -d "$(superuser_conninfo)" \
    -c "SELECT timeline_id FROM pg_control_checkpoint()" 2> "$tool_output") || return 1
  if [ "$control_timeline" -lt "$primary_timeline" ]; then
    log "checkpoint on primary $primary, whose control file still names timeline $control_timeline"
    LC_ALL=C psql -X -q -d "$(superuser_conninfo)" -c CHECKPOINT > "$tool_output" 2>&1 || return 1
  fi
}

# pg_rewind of PGDATA to the primary's timeline; fails, the marker left, when pg_rewind does, or
# when it finds no rewind needed for data that reaches past the fork.
rewind() {
  : > "$PKS_REWIND_MARKER"
  sync "$PKS_REWIND_MARKER" "$PKS_DATA_PARENT"
  log "rewinding $PGDATA (timeline $timeline, forked at $fork) to primary $primary's timeline $primary_timeline"
  if ! checkpoint_promoted_primary; then
    log "checkpoint on primary $primary failed: $(last_message)"
    return 1
  fi
  # A crashed member's data is first recovered by pg_rewind's single-user PostgreSQL, whose
  # end-of-recovery checkpoint would recycle the WAL pg_rewind then reads back to the last common
  # checkpoint: it keeps it all.
  printf "include_if_exists '%s'\nwal_keep_size = '1TB'\n" "$(printf '%s' "$PGDATA/postgresql.conf" | sed "s/'/''/g")" \
    > "$PKS_RUN_DIR/rewind-postgresql.conf"
  if ! pg_rewind --target-pgdata="$PGDATA" --source-server="$(superuser_conninfo)" \
      --config-file="$PKS_RUN_DIR/rewind-postgresql.conf" > "$tool_output" 2>&1; then
    sed 's/^/  | /' "$tool_output"
    # Its first error says why; the last line may be a detail of it.
    grep -m 1 'error:' "$tool_output" > "$tool_output.error" && mv "$tool_output.error" "$tool_output"
    log "pg_rewind failed: $(last_message)"
    return 1
  fi
  sed 's/^/  | /' "$tool_output"
  if grep -q 'no rewind required' "$tool_output"; then
    control=$(LC_ALL=C pg_controldata "$PGDATA")
    checkpoint=$(control_value "Latest checkpoint location")
    if [ "$(lsn_number "$checkpoint")" -ge "$(lsn_number "$fork")" ]; then
      echo "pg_rewind found no rewind needed, but the data's last checkpoint $checkpoint is not before the fork at $fork" \
        > "$tool_output"
      log "$(last_message)"
      return 1
    fi
    rewound="its WAL ends at the fork at $fork: no rewind was needed"
  else
    rewound="pg_rewind copied what changed since the fork at $fork on timeline $timeline"
  fi
  : > "$PGDATA/standby.signal"
  sync "$PGDATA/standby.signal" "$PGDATA"
}

if [ -e "$complete_marker" ]; then
  if [ -e "$PKS_STAGING_DIR" ]; then
    log "resuming an interrupted seed: a verified copy is waiting in $PKS_STAGING_DIR"
    swap
  else
    log "resuming an interrupted seed: the verified copy is already in $PGDATA"
  fi
  finish
  report "copied: an interrupted seed was finished; $PGDATA is a copy of $primary"
  exit 0
fi
refuse_to_replace_newer_data
why_copy="a fresh copy was asked for"
if [ "$PKS_REWIND" = y ]; then
  check_rewind
  if [ -z "$why_copy" ]; then
    if rewind; then
      finish
      report "rewound: $rewound; $PGDATA is a standby of $primary"
      exit 0
    fi
    why_copy="pg_rewind failed: $(last_message)"
  fi
  log "not rewound ($why_copy): copying instead"
fi
clone
swap
finish
report "copied: $why_copy; $PGDATA is a copy of $primary"
