# Functions shared by member-entrypoint.sh and seed.sh; sourced, never run on its own.
# Every path, port and name comes from the environment (see PodLayout), so the scripts run
# unchanged in a pod and on a test machine. No password is ever put in a variable, an argument,
# the environment or a log line: libpq and initdb read it from files.

# shellcheck shell=sh disable=SC2034 # the variables are used by the scripts that source this file
# The file beside PGDATA that keeps a member from starting until it has been seeded again.
PKS_RESEED_MARKER="$(dirname "$PGDATA")/pks-reseed"
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

# Writes PKS_PASSFILE from the replication Secret; ':' and '\' escaped as libpq requires.
write_replication_passfile() {
  (
    umask 077
    rm -f "$PKS_PASSFILE"
    {
      printf '*:*:*:%s:' "$(printf '%s' "$PKS_REPLICATION_USER" | sed 's/[\\:]/\\&/g')"
      sed 's/[\\:]/\\&/g' "$PKS_REPLICATION_SECRET_DIR/password"
    } > "$PKS_PASSFILE"
  )
}

# A libpq connection string value in single quotes, so paths with spaces stay one value.
conninfo_value() {
  printf "'%s'" "$(printf '%s' "$1" | sed "s/[\\\\']/\\\\&/g")"
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
