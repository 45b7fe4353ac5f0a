# syntax=docker/dockerfile:1
#
# ReferralHub in a container: a static binary (pure Go, CGO_ENABLED=0, the
# SQLite driver included) on distroless "static" as the nonroot user
# (65532). Run it with a read-only root filesystem; only /data (the click
# spool, SQLite and, in development, the generated secret key) and /tmp are
# written:
#
#   docker build --build-arg VERSION=$(git describe --tags --always) -t referralhub .
#   docker run --read-only --tmpfs /tmp -v referralhub-data:/data -p 8080:8080 \
#     -e REFERRALHUB_ENV=production -e REFERRALHUB_BASE_URL=https://refer.example.com \
#     -e REFERRALHUB_SECRET_KEY_FILE=/run/secrets/referralhub_secret_key ... referralhub
#
# There is no HEALTHCHECK: distroless has no shell or curl to run one. The
# orchestrator (Compose's proxy, Kubernetes probes, a load balancer) checks
# GET /healthz (the process is up), GET /readyz (the database answers) and
# GET /readyz?scope=clicks (referral links can be served, database or not).
# See docs/deploy.md.

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/referralhub ./cmd/referralhub
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/referralhub /usr/local/bin/referralhub
COPY --from=build --chown=65532:65532 /out/data /data
# The working directory is /, so the data directory (REFERRALHUB_DATA_DIR,
# "data": the click spool, the development secret key) is the /data volume
# too.
WORKDIR /
ENV REFERRALHUB_ADDR=0.0.0.0:8080 \
    REFERRALHUB_DATABASE_URL=sqlite:/data/referralhub.db \
    REFERRALHUB_LOG_FORMAT=json
VOLUME ["/data"]
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/referralhub"]
CMD ["serve"]
