#!/usr/bin/env bash
# Prints the JVM options of the operator's chart (sizing.jvmOptions in helm/pks-operator/values.yaml)
# that decide how a JVM shares the machine's cores: its garbage collector and the parallelism of the
# common fork-join pool. bench/run.sh starts the bench's JVM with them: the sandbox's operator runs
# in that JVM, and the operator's Deployment runs with them. The chart's heap, stack, metaspace and
# code cache sizes are the operator's alone and are left out, since the sandbox and its API server
# share the JVM.
set -euo pipefail
cd "$(dirname "$0")/.."

values=helm/pks-operator/values.yaml
options=$(sed -n 's/^  jvmOptions: //p' "$values")
collector=$(grep -o -E -e '-XX:\+Use[A-Za-z0-9]+GC' <<< "$options" || true)
pool=$(grep -o -E -e '-Djava\.util\.concurrent\.ForkJoinPool\.common\.parallelism=[0-9]+' <<< "$options" || true)
if [[ -z $collector || -z $pool ]]; then
  echo "bench: sizing.jvmOptions in $values names no collector (-XX:+Use...GC) or no common pool parallelism" >&2
  exit 1
fi
echo "$collector $pool"
