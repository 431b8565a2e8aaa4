#!/bin/sh
# Takes a full base backup of this member's database into the pair's pgBackRest repository (the
# stanza is created first when missing), then expires what spec.backup.retention no longer keeps
# (pgBackRest's backup does that itself), and prints the repository's content as pgBackRest's
# JSON on one line "pgbackrest info: <json>", from which the operator reads the oldest backup.
# Runs in the primary's container, where PGDATA is readable, while its PostgreSQL runs.
# On failure it exits non-zero with one line on stderr saying why.
#
# With arguments, the backup reads the relation files of the standby (pgBackRest's backup-standby)
# through its backup server (backup-server.sh) over TLS with the pair's client certificate, and
# only what the standby does not replicate from the primary:
#   backup.sh <standby host> <its backup server's port> <its data directory> <its socket folder> <its port>
# Without, it reads the primary's own files. pgBackRest's detailed log of the backup, one line
# "backup file <host>:<path>" a file, stays in $PKS_RUN_DIR/last-backup.log until the next one.
#
# Environment: PGDATA, PGPORT, PKS_CONFIG_DIR (pgbackrest.conf), PKS_RUN_DIR, PKS_STANZA,
# PKS_BACKUP_SECRET_DIR (files accessKeyId, secretAccessKey), optional PKS_BACKUP_CA_DIR (ca.crt),
# PKS_SUPERUSER_SECRET_DIR (files username, password), with a standby PKS_BACKUP_TLS_DIR
# (ca.crt, client.crt, client.key).
set -eu

PKS_SCRIPT=backup
. "${0%/*}/pks-common.sh"

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

superuser=$(cat "$PKS_SUPERUSER_SECRET_DIR/username")
if [ $# -eq 5 ]; then
  require_env PKS_BACKUP_TLS_DIR
  log "backup of stanza $PKS_STANZA, reading the files of the standby at $1"
  set -- --backup-standby=y --pg2-host="$1" --pg2-host-type=tls --pg2-host-port="$2" \
    --pg2-host-ca-file="$PKS_BACKUP_TLS_DIR/ca.crt" --pg2-host-cert-file="$PKS_BACKUP_TLS_DIR/client.crt" \
    --pg2-host-key-file="$PKS_BACKUP_TLS_DIR/client.key" --pg2-path="$3" --pg2-socket-path="$4" \
    --pg2-port="$5" --pg2-user="$superuser"
elif [ $# -eq 0 ]; then
  log "backup of stanza $PKS_STANZA, reading the primary's files"
else
  fail "backup.sh takes no argument, or five for a standby to read from; got $#"
fi
pgbackrest_when_free stanza-create
# The backup waits for the segment it starts in to be archived, behind every segment queued before
# it: after a bulk load the asynchronous archiving may need minutes, more than pgBackRest's default
# archive-timeout of 60 s (seen with 1 GB loaded by pgbench -i: the backup failed while archiving
# went on). Archiving itself keeps the default; BackupsHealthy reports it failing.
pgbackrest_when_free backup --type=full --archive-timeout=600 --log-level-console=detail "$@"
cp "$tool_output" "$PKS_RUN_DIR/last-backup.log"
label=$(grep -o 'new backup label = [^ ]*' "$tool_output" | tail -n 1)
# The backup is made: a repository that cannot be listed now leaves only the oldest backup unknown.
if pgbackrest --stanza="$PKS_STANZA" --output=json info > "$tool_output" 2>&1; then
  printf 'pgbackrest info: %s\n' "$(tr -d '\n' < "$tool_output")"
fi
log "backup complete: $label"
