# Build stage: the fat jar, tests skipped (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY sql sql
COPY simulators simulators
COPY service service
COPY app app
RUN mvn -B -q package -DskipTests

# Run stage: a JRE and the jar, as a non-root user (the embedded Postgres also refuses root).
FROM eclipse-temurin:17-jre
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /app targetdialer \
 && mkdir -p /app/data \
 && chown targetdialer /app/data
WORKDIR /app
COPY --from=build /src/target/targetdialer.jar /app/targetdialer.jar
USER targetdialer
ENV HTTP_PORT=8080 DATA_DIR=/app/data
VOLUME /app/data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${HTTP_PORT}/health" || exit 1
ENTRYPOINT ["java", "-jar", "/app/targetdialer.jar"]
