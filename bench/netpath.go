package main

import (
	"path"
	"slices"
	"strings"
)

// setUpCount is what one run cost one server: connections opened, TLS
// handshakes and HTTP requests, and the requests' protocols.
type setUpCount struct {
	conns, handshakes, requests int
	protos                      string // sorted, comma-separated: "HTTP/2.0"
}

// countSpans counts server's spans by kind.
func countSpans(spans []span, server string) setUpCount {
	var n setUpCount
	var protos []string
	for _, s := range spans {
		if s.recorder != server {
			continue
		}
		switch s.kind {
		case spanConnect:
			n.conns++
		case spanHandshake:
			n.handshakes++
		default:
			n.requests++
			if s.proto != "" && !slices.Contains(protos, s.proto) {
				protos = append(protos, s.proto)
			}
		}
	}
	slices.Sort(protos)
	n.protos = strings.Join(protos, ", ")
	return n
}

// setUpTrips is how many of path's round trips were connection set-up
// (TCP or TLS handshakes) of servers other than first: the ones a client
// could have paid while it waited for first.
func setUpTrips(path []span, first string) int {
	n := 0
	for _, s := range path {
		if s.recorder != first && s.kind != spanRequest {
			n++
		}
	}
	return n
}

// overlappedMinimum is the fewest round trips a run of spans could cost
// if every connection to the other servers was opened (TCP and TLS)
// while the run waited for first (the ID token): first's own chain or
// the longest set-up of one connection, whichever is longer, then the
// other servers' chain of requests, which needs first's answer (the
// login and the STS call send the token). A run that already overlaps
// costs this.
func overlappedMinimum(spans []span, first string) int {
	var own, requests []span
	setUp := map[string][]span{} // by connection
	for _, s := range spans {
		switch {
		case s.recorder == first:
			own = append(own, s)
		case s.kind == spanRequest:
			requests = append(requests, s)
		default:
			setUp[s.conn] = append(setUp[s.conn], s)
		}
	}
	wait := countRoundTrips(own)
	for _, c := range setUp {
		wait = max(wait, countRoundTrips(c))
	}
	return wait + countRoundTrips(requests)
}

// describePath names each round trip of a critical path, in order:
// "token connect -> token TLS -> token request (token) -> ...". A request
// is named by the last element of its path.
func describePath(p []span) string {
	var steps []string
	for _, s := range p {
		step := s.recorder + " " + s.kind.String()
		if s.kind == spanRequest && s.path != "" {
			step += " (" + path.Base(s.path) + ")"
		}
		steps = append(steps, strings.TrimSpace(step))
	}
	return strings.Join(steps, " -> ")
}
