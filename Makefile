# The commands a newcomer needs. `make test` is CI's test command; CI
# (.ci/run) also lints, fuzzes and requires the container tests to run.
.PHONY: test test-short demo lint build

test:
	go test -race -shuffle=on -count=1 ./...

test-short:
	go test -short ./...

demo:
	go run ./cmd/demo

lint:
	test -z "$$(gofmt -l .)"
	go vet ./...
	staticcheck ./...

build:
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o federate .
