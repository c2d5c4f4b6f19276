# One image per server, each from the server's official image with parley.war and server-config/ applied:
#   mvn -B -Dserver=liberty package -DskipTests   (parley.war, and the Liberty server in target/liberty-server/parley/)
#   docker build --target wildfly -t parley:wildfly .
#   docker build --target liberty -t parley:liberty .
#   docker build --target payara  -t parley:payara  .
# Pages from localhost may connect; a public address needs its origin: docker run -e
# PARLEY_ALLOWED_ORIGINS=https://chat.example.org (settings.md, parley.allowed-origins).
# PostgreSQL on the payara image: docker run --env-file server-config/payara/postgresql.env, with the driver jar
# copied into the image and --addlibs added to the command (src/site/markdown/deploy.md, Payara).
# Untested here: no Docker engine runs on the build machines. Each stage only repeats steps the tests exercise
# (the WAR in standalone/deployments; the Liberty server directory the build makes, which the crash tests run;
# Payara Micro with --deploy, --rootdir and --nocluster).

FROM quay.io/wildfly/wildfly:39.0.1.Final-jdk17 AS wildfly
# the embedded H2 database lives in standalone/data/parley/: mount a volume there to keep it
COPY --chown=jboss:jboss target/parley.war /opt/jboss/wildfly/standalone/deployments/parley.war
EXPOSE 8080

FROM icr.io/appcafe/open-liberty:26.0.0.3-full-java17-openj9-ubi AS liberty
COPY --chown=1001:0 target/liberty-server/parley/ /config/
# the embedded H2 database lives in /opt/ol/wlp/output/defaultServer/data/parley/ (server.output.dir)
EXPOSE 9080

FROM payara/micro:6.2025.10-jdk17 AS payara
COPY target/parley.war /opt/payara/deployments/parley.war
# a fixed root directory (a volume) keeps the embedded database; without it Micro uses a new temp directory
VOLUME /opt/payara/parley-root
EXPOSE 8080
CMD ["--deploy", "/opt/payara/deployments/parley.war", "--rootdir", "/opt/payara/parley-root", "--nocluster", "--port", "8080"]
