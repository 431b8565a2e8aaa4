#!/usr/bin/env bash
# Benchmarks of the operator (BENCHMARKS.md says what each figure means):
#   bench/run.sh [failover|switchover|restart|bootstrap|probe|scale|nemesis|peers|siteloss|backup ...]
# all but restart, nemesis, peers, siteloss and backup by default (backup: base backup, archive lag,
# restore and rejoin on 1 GB, 3 to 6 minutes; it needs pgbackrest, as the backup tests do)
# Builds the bench module (and what it depends on) when a source is newer than the last build, runs
# the scenarios, prints one Markdown table on stdout and writes the raw samples as JSON under
# target/bench/. Needs what `mvn verify` needs (Java 17, Maven, the postgresql package). MVN
# overrides the Maven command, e.g. MVN="mvn -o" to stay offline. `peers` (Patroni and
# pg_auto_failover side by side with ours) installs their Debian packages when missing (as root);
# BENCH_OPTS passes JVM options, after the chart's collector and common pool (bench/chart-jvm-options.sh),
# e.g. BENCH_OPTS="-Dbench.peers.runs=3 -Dbench.peers.systems=patroni".
# `nemesis` (the randomized fault run, 20 min, as root for the sandbox's network mode) takes
# BENCH_OPTS="-Dbench.nemesis.minutes=5 -Dbench.nemesis.seed=42". `siteloss` (two operator replicas; the
# primary's and the leader's nodes lost together) takes BENCH_OPTS="-Dbench.siteloss.runs=3
# -Dbench.siteloss.lease=4s,3s,1s" (lease duration, renew deadline, retry period; the chart's 15s,10s,2s by default).
# `scale` takes BENCH_OPTS="-Dbench.scale.pairs=100,500" (100, 500 and 1000 pairs by default).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ " $* " == *" peers "* ]]; then
  missing=()
  for package in patroni etcd-server postgresql-15-auto-failover pg-auto-failover-cli; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if ((${#missing[@]} > 0)); then
    echo "bench: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

mvn_cmd=${MVN:-mvn}
built=target/bench/.built
classpath=target/bench/classpath.txt
mkdir -p target/bench
if [[ ! -f $built || ! -f $classpath || -n $(find pom.xml ./*/pom.xml ./*/src bench -newer "$built" -print -quit) ]]; then
  echo "bench: building the bench module" >&2
  # Every module of the reactor writes its class path to the file; the bench's, built last, stays.
  $mvn_cmd -B -q -Dstyle.color=never -DskipTests -pl bench -am package \
    org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath -Dmdep.outputFile="$PWD/$classpath"
  touch "$built"
fi

# The chart's collector and common pool (bench/chart-jvm-options.sh): the sandbox's operator runs in
# this JVM. With the JVM's defaults on two cores (G1, and a common pool of one thread, with which the
# JDK's HTTP client starts a thread for each response) the bench's JVM took a core while a pair
# bootstrapped, and the members' PostgreSQL had only the other (BENCHMARKS.md, "Session 25").
jvm_options=$(bench/chart-jvm-options.sh)
# shellcheck disable=SC2086 # the options and BENCH_OPTS hold several options each
exec java $jvm_options ${BENCH_OPTS:-} -Dbench.commit="$(git describe --always --dirty 2>/dev/null || echo unknown)" \
  -cp "bench/target/classes:$(cat "$classpath")" io.pks.operator.bench.Bench "$@"
