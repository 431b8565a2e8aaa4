#!/bin/sh
# Takes a full base backup of this member's database into the pair's pgBackRest repository (the
# stanza is created first when missing), then expires what spec.backup.retention no longer keeps
# (pgBackRest's backup does that itself), and prints the repository's content as pgBackRest's
# JSON on one line "pgbackrest info: <json>", from which the operator reads the oldest backup.
# Runs in the member's container, where PGDATA is readable, while its PostgreSQL runs.
# On failure it exits non-zero with one line on stderr saying why.
#
# Environment: PGDATA, PGPORT, PKS_CONFIG_DIR (pgbackrest.conf), PKS_RUN_DIR, PKS_STANZA,
# PKS_BACKUP_SECRET_DIR (files accessKeyId, secretAccessKey), optional PKS_BACKUP_CA_DIR (ca.crt),
# PKS_SUPERUSER_SECRET_DIR (files username, password).
set -eu

PKS_SCRIPT=backup
. "$(dirname "$0")/pks-common.sh"

require_env PGDATA PGPORT PKS_CONFIG_DIR PKS_RUN_DIR PKS_STANZA PKS_BACKUP_SECRET_DIR \
  PKS_SUPERUSER_SECRET_DIR
use_pgbackrest
tool_output="$PKS_RUN_DIR/backup-tool-output"

# Shows pgBackRest's messages and ends the script with the first error of command $1.
give_up() {
  sed 's/^/  | /' "$tool_output"
  fail "pgbackrest $1: $(grep -m 1 -E 'ERROR|FATAL' "$tool_output" || tail -n 1 "$tool_output")"
}

# Runs pgBackRest command $1 (options after it). The member's entrypoint may be creating the stanza
# at this moment: pgBackRest then refuses this stanza-create, or the backup that follows it, with a
# lock error [050]; a moment later the lock is free and the stanza there.
pgbackrest_when_free() {
  command=$1
  shift
  for _ in 1 2 3 4 5; do
    if pgbackrest --stanza="$PKS_STANZA" "$@" "$command" > "$tool_output" 2>&1; then
      return 0
    fi
    if ! grep -q '\[050\]' "$tool_output"; then
      break
    fi
    sleep 5
  done
  give_up "$command"
}

log "backup of stanza $PKS_STANZA"
pgbackrest_when_free stanza-create
pgbackrest_when_free backup --type=full
label=$(grep -o 'new backup label = [^ ]*' "$tool_output" | tail -n 1)
# The backup is made: a repository that cannot be listed now leaves only the oldest backup unknown.
if pgbackrest --stanza="$PKS_STANZA" --output=json info > "$tool_output" 2>&1; then
  printf 'pgbackrest info: %s\n' "$(tr -d '\n' < "$tool_output")"
fi
log "backup complete: $label"
