// Package randtext makes reproducible random strings out of a few pieces,
// for tests that hold a hand-written check equal to the regular
// expression it replaced, on many more strings than a table could list.
package randtext

import (
	"math/rand/v2"
	"strings"
)

// Strings returns n strings, each of minPieces to maxPieces-1 pieces drawn
// from pieces, the same ones for the same seed.
func Strings(seed uint64, n, minPieces, maxPieces int, pieces []string) []string {
	r := rand.New(rand.NewPCG(seed, seed+1))
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range minPieces + r.IntN(maxPieces-minPieces) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		out[i] = b.String()
	}
	return out
}
