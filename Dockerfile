# The operator image: the operator module only (no sandbox, no mock server, no test kit). Three
# stages: Maven builds the shaded jar, jlink cuts a Java runtime down to the modules the operator
# uses, and only that runtime and the jar go onto a slim Debian base, run as an unprivileged numeric
# user (the chart's runAsNonRoot needs a number to check). Build and push it where your cluster
# pulls from (README, "Building the image").

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first: their layer is reused until a pom changes. Every module's pom is needed to
# read the reactor; only the operator is built.
COPY pom.xml .
COPY operator/pom.xml operator/
COPY sandbox/pom.xml sandbox/
COPY testkit/pom.xml testkit/
COPY integration-tests/pom.xml integration-tests/
COPY bench/pom.xml bench/
RUN mvn -B -q -pl operator dependency:go-offline
COPY operator/src operator/src
RUN mvn -B -q -pl operator -DskipTests package

FROM eclipse-temurin:17-jdk AS runtime
# java.desktop for java.beans (Jackson), java.naming and java.security.jgss for the JDBC driver's
# optional GSS/LDAP paths, jdk.crypto.ec for TLS, jdk.management for the JVM metrics.
RUN jlink --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.security.jgss,jdk.crypto.ec,jdk.unsupported,java.desktop,jdk.management \
      --strip-debug --no-man-pages --no-header-files --compress=2 --output /opt/java

FROM debian:bookworm-slim
COPY --from=runtime /opt/java /opt/java
COPY --from=build /src/operator/target/pks-operator.jar /opt/pks-operator/pks-operator.jar
USER 65532:65532
# 8080: /metrics, 8081: /healthz and /readyz.
EXPOSE 8080 8081
ENTRYPOINT ["/opt/java/bin/java", "-jar", "/opt/pks-operator/pks-operator.jar"]
CMD ["run"]
