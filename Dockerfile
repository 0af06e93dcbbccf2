# A static binary on an empty image: nothing to patch, nothing to exploit,
# and the runner only pulls a few megabytes. The base images are build
# arguments so a machine without registry access can substitute its own.
ARG BUILDER_IMAGE=golang:1.26-alpine
ARG RUNTIME_IMAGE=scratch

FROM ${BUILDER_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/federate . \
 && mkdir -p /out/etc/ssl/certs \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/

FROM ${RUNTIME_IMAGE}
# No USER line: the runner's file-command files belong to the runner's
# user, and a container action must run as root to write them.
COPY --from=build /out/ /
COPY LICENSE /LICENSE
ENTRYPOINT ["/federate"]
