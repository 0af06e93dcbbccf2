# federate's image: a static binary, a CA bundle and the licence, nothing
# else. Base images are build arguments so a machine without registry
# access can substitute images of its own (see README, "The container").

# BUILDER_IMAGE names the stage below by default; a build without registry
# access passes an image of its own instead.
ARG BUILDER_IMAGE=golang
ARG RUNTIME_IMAGE=scratch

# Pinned by digest: a tag can move under a release. A plain FROM line, so
# Dependabot can see and bump it.
FROM --platform=$BUILDPLATFORM golang:1.26-alpine@sha256:7a3e50096189ad57c9f9f865e7e4aa8585ed1585248513dc5cda498e2f41812c AS golang

FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
# Cross-compiled on the build platform: the arm64 image needs no emulation.
# The CA bundle goes where Go's crypto/x509 reads it exactly once: Go reads
# the first bundle file it finds (SSL_CERT_FILE, else a list that starts
# with /etc/ssl/certs/ca-certificates.crt), then every file of
# /etc/ssl/certs (SSL_CERT_DIR). Under the usual name the bundle would be
# both and be parsed twice on every run. In the directory only, a job's
# SSL_CERT_FILE (often a runner path the image does not have) adds to the
# public roots instead of replacing them; for a job's SSL_CERT_DIR the
# binary adds the directory back (netpolicy.KeepImageRoots).
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/federate . \
 && ln -s federate /out/federate-post \
 && mkdir -p /out/etc/ssl/certs \
 && cp /etc/ssl/certs/ca-certificates.crt /out/etc/ssl/certs/public-roots.pem

FROM ${RUNTIME_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="federate" \
      org.opencontainers.image.description="Short-lived AWS and Vault credentials from the workflow's OIDC identity" \
      org.opencontainers.image.source="https://github.com/federate-action/federate" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"
# No USER line: the runner's file-command files belong to the runner's
# user, and a container action must run as root to write them.
COPY --from=build /out/ /
COPY LICENSE /LICENSE
ENTRYPOINT ["/federate"]
