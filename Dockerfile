# innfri: multi-stage build. The runtime image holds one static-ish binary, the config folder
# and CA certificates, and runs as an unprivileged user.
#   docker build -t innfri .
#   docker run -p 8080:8080 innfri demo
#   docker run -p 8080:8080 -e INNFRI__STORE__REDIS_URL=redis://redis:6379/0 \
#     -e INNFRI__LINKS__KEYS__1=<hex> -e INNFRI__SERVER__PUBLIC_BASE_URL=https://betal.example.no innfri serve
#   (behind https the console/fake stand-ins are refused: configure real providers, see README)

FROM rust:1-bookworm AS build
WORKDIR /src
# Dependencies first, so code changes do not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src bench && echo 'fn main() {}' > src/main.rs && echo '' > src/lib.rs \
    && echo 'fn main() {}' > bench/seed.rs \
    && cargo build --release --locked && rm -rf src bench
COPY src src
COPY templates templates
COPY config config
COPY assets assets
COPY bench bench
# Make sure cargo sees the real sources as newer than the dependency-only build.
RUN touch src/main.rs src/lib.rs && cargo build --release --locked --bin innfri

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin innfri
WORKDIR /app
COPY --from=build /src/target/release/innfri /usr/local/bin/innfri
COPY config /app/config
USER 10001
ENV INNFRI_CONFIG_DIR=/app/config \
    INNFRI__SERVER__BIND=0.0.0.0:8080 \
    INNFRI__MESSAGING__HEALTH_BIND=0.0.0.0:9091 \
    INNFRI__LOG__FORMAT=json
# 8080: serve (and demo); 9091: the worker's /healthz and /readyz.
EXPOSE 8080 9091
ENTRYPOINT ["/usr/local/bin/innfri"]
CMD ["serve"]
