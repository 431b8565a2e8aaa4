# Functions shared by the scripts; sourced, never run on its own.
# Every path, port and name comes from the environment (see PodLayout), so the scripts run
# unchanged in a pod and on a test machine. No password is ever put in a variable, an argument,
# the environment or a log line: libpq and initdb read it from files.

# shellcheck shell=sh disable=SC2034 # the variables are used by the scripts that source this file
# The scripts are run by their absolute path (MemberPods), and source this file beside them as
# "${0%/*}/pks-common.sh": dirname would be a process, and each costs a member's start
# milliseconds (4 to 5 ms apiece on the benchmarks' machine).
# The folder that holds PGDATA (an absolute path, PodLayout), and the markers beside it.
PKS_DATA_PARENT=${PGDATA%/*}
PKS_DATA_PARENT=${PKS_DATA_PARENT:-/}
# The file beside PGDATA that keeps a member from starting until it has been seeded again.
PKS_RESEED_MARKER="$PKS_DATA_PARENT/pks-reseed"
# The file beside PGDATA that the isolation check leaves when it stopped this member as an isolated
# primary: it starts as a primary again only once the API server answers (member-entrypoint.sh).
PKS_ISOLATION_MARKER="$PKS_DATA_PARENT/pks-isolated"
# The file beside PGDATA that says a pg_rewind of PGDATA began and has not ended: the data may be
# half rewound, so the member waits, and the next seed copies.
PKS_REWIND_MARKER="$PKS_DATA_PARENT/pks-rewinding"
# Replication credentials for libpq (primary_conninfo, pg_basebackup), mode 0600.
PKS_PASSFILE="$PKS_RUN_DIR/replication.pgpass"

log() {
  printf '%s %s: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$PKS_SCRIPT" "$*"
}

# Ends the script with one line on stderr saying why.
fail() {
  printf '%s: %s\n' "$PKS_SCRIPT" "$*" >&2
  exit 1
}

# Flushes the file system holding $1 with one syncfs(2) (sync -f): what initdb and pg_basebackup
# would do with an fsync of each file they wrote, run with --no-sync before it. A member's volume
# holds only its data, so this flushes nothing else of note.
sync_file_system() {
  if ! sync -f "$1"; then
    fail "could not flush the file system holding $1 to disk (sync -f)"
  fi
}

# Ends the script with one line on stderr saying why it will not act on what it found, with the
# exit status 3 (Scripts.REFUSED_EXIT_CODE): a re-run would answer the same, so the operator asks
# a human instead of retrying.
refuse() {
  printf '%s: %s\n' "$PKS_SCRIPT" "$*" >&2
  exit 3
}

require_env() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    if [ -z "$value" ]; then
      fail "environment variable $name is not set"
    fi
  done
}

# Writes PKS_PASSFILE from the replication Secret.
write_replication_passfile() {
  write_passfile "$PKS_REPLICATION_USER" "$PKS_REPLICATION_SECRET_DIR/password" "$PKS_PASSFILE"
}

# Writes a libpq passfile $3 (mode 0600) for user $1 with the password in file $2; ':' and '\'
# escaped as libpq requires.
write_passfile() {
  (
    umask 077
    # Removed so that it is made again with mode 0600; a new pod has none to remove.
    if [ -e "$3" ]; then
      rm -f "$3"
    fi
    {
      printf '*:*:*:%s:' "$(passfile_field "$1")"
      sed 's/[\\:]/\\&/g' "$2"
    } > "$3"
  )
}

# $1 as a field of a libpq passfile: ':' and '\' escaped. A value without them (a role name) is
# printed as it is, without starting sed: each process costs a member's start milliseconds.
passfile_field() {
  case $1 in
    *\\* | *:*) printf '%s' "$1" | sed 's/[\\:]/\\&/g' ;;
    *) printf '%s' "$1" ;;
  esac
}

# Fails naming $2 unless file $1 (a Secret's key) is one non-empty line: a second line would
# become an option of the pgBackRest configuration.
require_one_line() {
  if [ ! -r "$1" ]; then
    fail "$2 is missing or unreadable: $1"
  fi
  if [ ! -s "$1" ] || [ "$(grep -c '' "$1")" -ne 1 ]; then
    fail "$2 must be one non-empty line"
  fi
}

# Writes the pgBackRest configuration $5 (mode 0600) that pgBackRest reads from PGBACKREST_CONFIG:
# the operator's repository template $1 (no secret in it), the object store's keys from the
# Secret folder $3, its CA from the folder $4 when not empty, and stanza $2 with the data folder
# $6 of this member. The async spool (the background push's reports) sits beside PGDATA on the
# data volume.
write_pgbackrest_config() {
  if ! command -v pgbackrest > /dev/null 2>&1; then
    fail "pgbackrest is not in this image: a pair with spec.backup or spec.bootstrap.recovery needs spec.postgres.image to carry it (see images/member)"
  fi
  require_one_line "$3/accessKeyId" "accessKeyId of the object store's Secret"
  require_one_line "$3/secretAccessKey" "secretAccessKey of the object store's Secret"
  require_one_line "$PKS_SUPERUSER_SECRET_DIR/username" "username of the superuser Secret"
  (
    umask 077
    rm -f "$5"
    {
      cat "$1"
      printf 'repo1-s3-key=%s\n' "$(cat "$3/accessKeyId")"
      printf 'repo1-s3-key-secret=%s\n' "$(cat "$3/secretAccessKey")"
      if [ -n "$4" ]; then
        printf 'repo1-storage-ca-file=%s\n' "$4/ca.crt"
      fi
      printf 'spool-path=%s\n' "$(dirname "$6")/pgbackrest-spool"
      printf 'lock-path=%s\n' "$PKS_RUN_DIR/pgbackrest-lock"
      printf '\n[%s]\npg1-path=%s\npg1-port=%s\npg1-socket-path=%s\npg1-user=%s\n' "$2" "$6" "$PGPORT" \
        "$PKS_RUN_DIR" "$(cat "$PKS_SUPERUSER_SECRET_DIR/username")"
    } > "$5"
  )
}

# Prepares pgBackRest for the pair's own backups (spec.backup): its configuration, and the
# superuser's passfile for its connection to the member's PostgreSQL, both exported.
use_pgbackrest() {
  write_pgbackrest_config "$PKS_CONFIG_DIR/pgbackrest.conf" "$PKS_STANZA" "$PKS_BACKUP_SECRET_DIR" \
    "${PKS_BACKUP_CA_DIR:-}" "$PKS_RUN_DIR/pgbackrest.conf" "$PGDATA"
  write_passfile "$(cat "$PKS_SUPERUSER_SECRET_DIR/username")" "$PKS_SUPERUSER_SECRET_DIR/password" \
    "$PKS_RUN_DIR/superuser.pgpass"
  PGBACKREST_CONFIG="$PKS_RUN_DIR/pgbackrest.conf"
  PGPASSFILE="$PKS_RUN_DIR/superuser.pgpass"
  export PGBACKREST_CONFIG PGPASSFILE
}

# Ends the script when PGDATA already holds data: a primary's data (a re-created pair on retained
# volumes) is kept as it is; a standby's copy is refused, because starting it as the primary would
# serve a stale copy of the pair's data.
keep_existing_data() {
  if [ -e "$PGDATA/standby.signal" ]; then
    fail "$PGDATA holds a standby's copy (standby.signal): it is not started as the primary; set spec.primary to the member that was primary, or delete this member's volume"
  fi
  if [ -e "$PGDATA/PG_VERSION" ]; then
    log "$PGDATA already holds a database: kept as it is"
    exit 0
  fi
}

# A libpq connection string value in single quotes, so paths with spaces stay one value; '\' and
# "'" escaped. A value without them (host, port, user, path: nearly all) is quoted without
# starting sed: a standby's start builds five of them.
conninfo_value() {
  case $1 in
    *\\* | *\'*) printf "'%s'" "$(printf '%s' "$1" | sed "s/[\\\\']/\\\\&/g")" ;;
    *) printf "'%s'" "$1" ;;
  esac
}

# Connection string of a replication connection to the primary; $1 is the application_name, by
# which the operator finds the connection in pg_stat_replication.
replication_conninfo() {
  printf 'host=%s port=%s user=%s passfile=%s application_name=%s%s' \
    "$(conninfo_value "$PKS_PRIMARY_HOST")" "$(conninfo_value "$PKS_PRIMARY_PORT")" \
    "$(conninfo_value "$PKS_REPLICATION_USER")" "$(conninfo_value "$PKS_PASSFILE")" \
    "$(conninfo_value "$1")" "$(replication_tls)"
}

# With a certificate (PKS_TLS_DIR) replication requires TLS, and verifies the primary's certificate
# against ca.crt when the Secret has one (the name is not checked: the primary is reached through
# a Service, under more than one name).
replication_tls() {
  if [ -z "${PKS_TLS_DIR:-}" ]; then
    return 0
  fi
  if [ -e "$PKS_TLS_DIR/ca.crt" ]; then
    printf ' sslmode=verify-ca sslrootcert=%s' "$(conninfo_value "$PKS_TLS_DIR/ca.crt")"
  else
    printf ' sslmode=require'
  fi
}

# "systemid timeline xlogpos" of the primary, from IDENTIFY_SYSTEM on a replication connection
# named $PKS_MEMBER-$1 that waits at most $2 seconds to connect; libpq's messages on stderr.
identify_primary() {
  LC_ALL=C psql -X -A -t -F ' ' -c IDENTIFY_SYSTEM \
    -d "$(replication_conninfo "$PKS_MEMBER-$1") replication=true connect_timeout=$2"
}

# pg_controldata's value for the label $1, from its output in $control.
# shellcheck disable=SC2154 # the caller sets $control (pg_controldata's output, or empty when it has none)
control_value() {
  printf '%s\n' "$control" | sed -n "s/^$1:[[:space:]]*//p"
}

# The latest timeline PGDATA reached (from $control): its last checkpoint's, or a later one named by
# a history file in pg_wal (a promotion writes it before the first checkpoint of the new timeline).
data_timeline() {
  timeline=$(control_value "Latest checkpoint's TimeLineID")
  history=$(find "$PGDATA/pg_wal" -maxdepth 1 -name '*.history' | sed -n 's|.*/\([0-9A-F]\{8\}\)\.history$|\1|p' \
    | sort | tail -n 1)
  if [ -n "$history" ] && [ $((0x$history)) -gt "$timeline" ]; then
    timeline=$((0x$history))
  fi
  echo "$timeline"
}

# Whether a TCP connection to host $1, port $2 opens within a second: bash's /dev/tcp (the official
# postgres images are Debian's, with bash), else nc -z (busybox's, on Alpine).
tcp_answers() {
  if command -v bash > /dev/null 2>&1; then
    # shellcheck disable=SC2016 # expanded by bash, from its own arguments
    timeout 1 bash -c 'exec 3<> "/dev/tcp/$0/$1"' "$1" "$2" 2> /dev/null
  else
    timeout 1 nc -z "$1" "$2" 2> /dev/null
  fi
}

# Whether the Kubernetes API server (KUBERNETES_SERVICE_HOST, which the kubelet sets) accepts a
# connection.
api_server_answers() {
  tcp_answers "$KUBERNETES_SERVICE_HOST" "${KUBERNETES_SERVICE_PORT:-443}"
}

# A platform that assigns the pod's UID (OpenShift's restricted SCC, spec.pods.platformAssignsUser)
# picks one the image's /etc/passwd does not name, and initdb refuses to run as a user it cannot
# look up. Such a UID is named postgres through nss_wrapper, as the official postgres image's own
# entrypoint does (the image carries libnss_wrapper.so for this), in files of a fresh folder under
# /tmp; a named UID (999 in the image, the sandbox's postgres) changes nothing.
name_the_user() {
  if id -un > /dev/null 2>&1; then
    return 0
  fi
  for wrapper in /usr/lib/*/libnss_wrapper.so /usr/lib/libnss_wrapper.so /lib/*/libnss_wrapper.so; do
    if [ -e "$wrapper" ]; then
      names=$(mktemp -d)
      printf 'postgres:x:%s:%s:PostgreSQL:%s:/bin/false\n' "$(id -u)" "$(id -g)" "$names" > "$names/passwd"
      printf 'postgres:x:%s:\n' "$(id -g)" > "$names/group"
      export LD_PRELOAD="$wrapper" NSS_WRAPPER_PASSWD="$names/passwd" NSS_WRAPPER_GROUP="$names/group"
      return 0
    fi
  done
  fail "user ID $(id -u) has no name in /etc/passwd and the image has no libnss_wrapper.so to give it one"
}

name_the_user
