#!/bin/sh
# Serves this member's files to the pair's base backups from the standby: pgBackRest's TLS server,
# in the member's sidecar (BackupServer). A backup runs in the primary (backup.sh) and, when the
# operator chose the standby, reads the relation files here through this server. The server admits
# only a client certificate of the pair's CA with the name PKS_BACKUP_CLIENT_NAME, and only for the
# pair's stanza; it needs no repository option, so no object-store key reaches this container. Its
# pgBackRest connects to the member's PostgreSQL over the socket as the superuser, whose password
# libpq reads from a passfile.
#
# Environment: PGDATA, PKS_RUN_DIR, PKS_STANZA, PKS_BACKUP_CLIENT_NAME, PKS_SUPERUSER_SECRET_DIR
# (username, password), PKS_BACKUP_TLS_DIR (ca.crt, tls.crt, tls.key), PKS_BACKUP_SERVER_PORT.
set -eu

PKS_SCRIPT=backup-server
. "${0%/*}/pks-common.sh"

require_env PKS_STANZA PKS_BACKUP_CLIENT_NAME PKS_SUPERUSER_SECRET_DIR PKS_BACKUP_TLS_DIR PKS_BACKUP_SERVER_PORT
if ! command -v pgbackrest > /dev/null 2>&1; then
  fail "pgbackrest is not in this image: a pair with spec.backup needs spec.postgres.image to carry it (see images/member)"
fi
write_passfile "$(cat "$PKS_SUPERUSER_SECRET_DIR/username")" "$PKS_SUPERUSER_SECRET_DIR/password" \
  "$PKS_RUN_DIR/backup-server.pgpass"
config="$PKS_RUN_DIR/pgbackrest-server.conf"
(
  umask 077
  {
    printf '[global]\n'
    printf 'tls-server-address=*\n'
    printf 'tls-server-port=%s\n' "$PKS_BACKUP_SERVER_PORT"
    printf 'tls-server-ca-file=%s/ca.crt\n' "$PKS_BACKUP_TLS_DIR"
    printf 'tls-server-cert-file=%s/tls.crt\n' "$PKS_BACKUP_TLS_DIR"
    printf 'tls-server-key-file=%s/tls.key\n' "$PKS_BACKUP_TLS_DIR"
    printf 'tls-server-auth=%s=%s\n' "$PKS_BACKUP_CLIENT_NAME" "$PKS_STANZA"
    printf 'lock-path=%s/pgbackrest-server-lock\n' "$PKS_RUN_DIR"
    printf 'log-level-console=info\n'
    printf 'log-level-file=off\n'
  } > "$config"
)
PGBACKREST_CONFIG="$config"
PGPASSFILE="$PKS_RUN_DIR/backup-server.pgpass"
export PGBACKREST_CONFIG PGPASSFILE
log "serving stanza $PKS_STANZA's files on port $PKS_BACKUP_SERVER_PORT"
exec pgbackrest server
