# The operator image. Two stages: Maven builds the shaded jar from source, then only that jar goes
# onto a Java 17 runtime and runs as an unprivileged numeric user (the chart's runAsNonRoot needs a
# number to check). Build and push it where your cluster pulls from (README, "Building the image").

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first: their layer is reused until pom.xml changes.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
COPY --from=build /src/target/pks-operator.jar /opt/pks-operator/pks-operator.jar
USER 65532:65532
# 8080: /metrics, 8081: /healthz and /readyz.
EXPOSE 8080 8081
ENTRYPOINT ["java", "-jar", "/opt/pks-operator/pks-operator.jar"]
CMD ["run"]
