#!/usr/bin/env bash
# Benchmarks of the operator (BENCHMARKS.md says what each figure means):
#   bench/run.sh [failover|switchover|bootstrap|probe|scale ...]    all of them by default
# Builds the test classes when a source is newer than the last build, runs the scenarios, prints
# one Markdown table on stdout and writes the raw samples as JSON under target/bench/. Needs what
# `mvn verify` needs (Java 17, Maven, the postgresql package). MVN overrides the Maven command,
# e.g. MVN="mvn -o" to stay offline.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn_cmd=${MVN:-mvn}
built=target/bench/.built
mkdir -p target/bench
if [[ ! -f $built || ! -f target/classpath.txt || -n $(find pom.xml src bench -newer "$built" -print -quit) ]]; then
  echo "bench: building the test classes" >&2
  $mvn_cmd -B -q -Dstyle.color=never -DskipTests test-compile
  $mvn_cmd -B -q -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/classpath.txt
  touch "$built"
fi

exec java -Dbench.commit="$(git describe --always --dirty 2>/dev/null || echo unknown)" \
  -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" io.pks.operator.bench.Bench "$@"
