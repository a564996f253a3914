# syntax=docker/dockerfile:1
# Multi-stage build: the SPA with Node, the binary with Go, a small runtime.
FROM node:20-bookworm-slim AS web
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
COPY openapi/ /src/openapi/
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/frontend/dist ./frontend/dist
ARG VERSION=docker
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/onecloudai/contacts/internal/platform/buildinfo.Version=${VERSION}" \
      -o /out/contacts ./cmd/contacts

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/contacts /usr/local/bin/contacts
USER nonroot:nonroot
EXPOSE 8080
# The image has no shell or curl: the binary probes itself. Healthy once the
# server answers /readyz (the database answers, no migration pending); the
# start period covers a long migration. A container of this image running
# another command (worker, fakecrm, seed) serves no HTTP: start it with
# --no-healthcheck (compose: healthcheck: { disable: true }).
HEALTHCHECK --interval=10s --timeout=6s --start-period=120s --retries=3 \
  CMD ["/usr/local/bin/contacts", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/contacts"]
CMD ["serve"]
