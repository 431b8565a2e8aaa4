#!/bin/sh
# Initialises the bootstrap primary's data (the initdb Job). The member's PostgreSQL is not running
# while it runs: the operator keeps its StatefulSet at zero replicas until this Job has succeeded.
#
# initdb runs into a scratch folder renamed into place when complete, so an interrupted run never
# leaves a PGDATA that looks initialised, and a re-run starts over. Existing data is never touched:
# a primary's data (a re-created pair on retained volumes) is kept as it is, and a standby's copy
# is refused, because starting it as the primary would serve a stale copy of the pair's data.
# On failure it exits non-zero with one line on stderr saying why.
#
# Environment: PGDATA, PKS_SUPERUSER_SECRET_DIR (files username, password), PKS_RUN_DIR.
set -eu

PKS_SCRIPT=initdb
. "${0%/*}/pks-common.sh"

require_env PGDATA PKS_SUPERUSER_SECRET_DIR PKS_RUN_DIR

keep_existing_data

scratch="$PGDATA.initdb"
tool_output="$PKS_RUN_DIR/initdb-tool-output"
rm -rf "$scratch"
superuser=$(cat "$PKS_SUPERUSER_SECRET_DIR/username")
log "initdb as superuser $superuser"
if ! initdb -D "$scratch" --data-checksums --auth=scram-sha-256 --username="$superuser" \
    --pwfile="$PKS_SUPERUSER_SECRET_DIR/password" --no-instructions --no-sync > "$tool_output" 2>&1; then
  sed 's/^/  | /' "$tool_output"
  rm -rf "$scratch"
  fail "initdb failed: $(grep -v '^[[:space:]]*$' "$tool_output" | tail -n 1)"
fi
# Flushed before the rename that makes it PGDATA: one syncfs, not an fsync per file (0.1 s of 1 s).
sync_file_system "$scratch"
mv "$scratch" "$PGDATA"
sync "$PKS_DATA_PARENT"
log "initdb complete"
