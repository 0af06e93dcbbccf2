# The commands a newcomer needs. `make test` is CI's test command: on a new
# machine it first installs and builds what the tests need (tools/setup.sh).
# CI (.ci/run) also lints, fuzzes and requires the container tests to run.
.PHONY: test test-short demo lint build

test:
	bash tools/test.sh

test-short:
	go test -short ./...

demo:
	bash -c 'source tools/setup.sh && go run ./cmd/demo'

lint:
	test -z "$$(gofmt -l .)"
	go vet ./...
	staticcheck ./...

build:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o federate .
