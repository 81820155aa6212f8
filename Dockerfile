# yunqi-bot: build in one stage, run as a non-root user in a small one.
#   docker build -t yunqi .
#   docker run -d --name yunqi -p 8080:8080 -v yunqi-data:/data \
#     -v $PWD/yunqi.toml:/etc/yunqi/yunqi.toml:ro yunqi
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin yunqi \
 && install -m 0755 target/release/yunqi /usr/local/bin/yunqi

FROM debian:bookworm-slim
# curl for the HEALTHCHECK; ca-certificates for the platforms' HTTPS APIs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin yunqi \
 && mkdir -p /data /etc/yunqi \
 && chown yunqi:yunqi /data
COPY --from=build /usr/local/bin/yunqi /usr/local/bin/yunqi
# The database (phone numbers: owner-only) and calendar files live on the volume.
VOLUME /data
WORKDIR /data
ENV YUNQI_STORAGE__URL=sqlite:///data/yunqi.db \
    YUNQI_CONSOLE__FILES_DIR=/data/files \
    YUNQI_HTTP__BIND=0.0.0.0:8080 \
    RUST_LOG=info
USER yunqi
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
# Without a mounted /etc/yunqi/yunqi.toml the embedded defaults run (console only).
ENTRYPOINT ["/bin/sh", "-c", "if [ -f /etc/yunqi/yunqi.toml ]; then exec yunqi --config /etc/yunqi/yunqi.toml \"$@\"; else exec yunqi \"$@\"; fi", "yunqi"]
CMD ["serve"]
