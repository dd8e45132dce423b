# One image with every service as a standalone executable (`deno task compile`), on a slim base.
# compose.yaml runs each service from it with a different command.
#
#   docker build -t iot-platform .
#   docker run --rm iot-platform iot-processor --help

FROM denoland/deno:2.9.6 AS build
WORKDIR /src
COPY . .
# Caches npm packages, then builds dist/iot-{broker,producer,processor,sinks,api,dev}.
RUN deno install --frozen && deno task compile

FROM debian:bookworm-slim
# librdkafka is loaded over FFI at run time (LIBRDKAFKA_PATH overrides the location).
RUN apt-get update \
  && apt-get install -y --no-install-recommends librdkafka1 ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --uid 10001 --home-dir /data --create-home iot
COPY --from=build /src/dist/ /usr/local/bin/
USER iot
WORKDIR /data
# Executables: iot-broker iot-producer iot-processor iot-sinks iot-api iot-dev
CMD ["iot-processor", "--help"]
