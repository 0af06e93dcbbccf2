# The commands a newcomer needs. `make test` is exactly what CI runs.
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
