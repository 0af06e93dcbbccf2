package credprocess

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Output is the document an SDK's credential_process reads (Version 1).
type Output struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      string // RFC 3339
}

// refreshMargin is how long before its Expiration a cached credential is
// refreshed instead of served. botocore refuses credentials that a refresh
// left expiring within 10 minutes (and asks again on every call within
// 15, which the cache answers cheaply); a minute more covers the time the
// caller takes to use them. The Go SDK asks again only once they expire.
const refreshMargin = 11 * time.Minute

// maxCacheSize bounds what is read of the cache: the document is a few
// KiB; anything larger is not ours.
const maxCacheSize = 64 << 10

// readCache returns the cached credentials if the file is ours and they
// are fresh at now. Anything else (missing, another owner, readable by
// others, corrupt, stale) is a miss: the caller refreshes and overwrites.
func readCache(path string, now time.Time) (Output, bool) {
	f, err := openOwned(path)
	if err != nil {
		return Output{}, false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCacheSize+1))
	if err != nil || len(b) > maxCacheSize {
		return Output{}, false
	}
	var out Output
	if json.Unmarshal(b, &out) != nil || !out.complete() {
		return Output{}, false
	}
	exp, err := time.Parse(time.RFC3339, out.Expiration)
	if err != nil || exp.Sub(now) <= refreshMargin {
		return Output{}, false
	}
	return out, true
}

// complete reports whether o holds everything an SDK needs.
func (o Output) complete() bool {
	return o.Version == 1 && o.AccessKeyID != "" && o.SecretAccessKey != "" && o.SessionToken != "" && o.Expiration != ""
}

// writeCache replaces the cache file whole: a temporary file in the same
// directory (so rename is atomic), mode 0600, renamed over the old one. A
// reader sees the old document or the new one, never half of one.
func writeCache(path string, out Output) error {
	b, err := json.Marshal(out)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp") // created 0600
	if err != nil {
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	done = true
	return nil
}
