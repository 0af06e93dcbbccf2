package credprocess_test

import (
	"os"
	"testing"
)

// BenchmarkRun_CacheHit is what most runs cost: an SDK reruns the process
// on every call while credentials are within its own refresh window, and
// the cache answers without a request (goal: well under 10 ms).
func BenchmarkRun_CacheHit(b *testing.B) {
	bed := newBed(b)
	first := bed.run(b, nil)
	if first.err != nil {
		b.Fatal(first.stderr)
	}
	b.ResetTimer()
	for b.Loop() {
		if r := bed.run(b, nil); r.err != nil {
			b.Fatal(r.stderr)
		}
	}
	b.StopTimer()
	if bed.sts.Requests() != 1 {
		b.Fatalf("%d STS calls, want 1", bed.sts.Requests())
	}
}

// BenchmarkRun_Refresh is a run with no usable cache: one token request,
// one AssumeRoleWithWebIdentity call (moto on loopback), one cache write.
func BenchmarkRun_Refresh(b *testing.B) {
	bed := newBed(b)
	for b.Loop() {
		b.StopTimer()
		_ = os.Remove(bed.cache)
		b.StartTimer()
		if r := bed.run(b, nil); r.err != nil {
			b.Fatal(r.stderr)
		}
	}
}
