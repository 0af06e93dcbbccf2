package vault

import (
	"context"
	"strings"
	"sync"
)

// mountLookups shares one mount lookup between the paths of a ReadAll that
// sit in the same directory. Vault refuses to mount under or over an
// existing mount, so mounts never nest: the mount that holds one path of
// a directory, if its path is a prefix of that directory, holds every
// path of it. Twenty paths under secret/data/ci/ cost Vault one lookup
// instead of twenty, in the same round trip.
type mountLookups struct {
	c     *Client
	mu    sync.Mutex
	byDir map[string]*sharedMount
}

// sharedMount is one directory's lookup: done closes once m and err are
// set; asked is the path the lookup asked about.
type sharedMount struct {
	done  chan struct{}
	asked string
	m     mount
	err   error
}

func newMountLookups(c *Client) *mountLookups {
	return &mountLookups{c: c, byDir: map[string]*sharedMount{}}
}

// mountOf is Client.mountOf for raw, asked once per directory; it also
// returns the path the lookup asked about. A path whose directory's answer
// does not surely hold it (no mount known, a mount path that is not a
// prefix of the directory, a lookup Vault refused) is looked up on its
// own, as if nothing were shared. A lookup that failed after its retries
// (Vault unavailable, throttling, the step's deadline) fails the
// directory's other paths with the same error: asking again would only
// run a second round of retries after the first, for the same answer.
func (l *mountLookups) mountOf(ctx context.Context, raw string) (mount, string, error) {
	slash := strings.LastIndexByte(raw, '/')
	if slash < 0 {
		m, err := l.c.mountOf(ctx, raw)
		return m, raw, err
	}
	dir := raw[:slash+1]
	l.mu.Lock()
	sh, asked := l.byDir[dir]
	if !asked {
		sh = &sharedMount{done: make(chan struct{}), asked: raw}
		l.byDir[dir] = sh
	}
	l.mu.Unlock()
	if !asked {
		sh.m, sh.err = l.c.mountOf(ctx, raw)
		close(sh.done)
		return sh.m, raw, sh.err
	}
	<-sh.done
	switch {
	case sh.err == nil && strings.HasSuffix(sh.m.path, "/") && strings.HasPrefix(dir, sh.m.path):
		return sh.m, sh.asked, nil
	case sh.err != nil && (transient(sh.err) || ctx.Err() != nil):
		return mount{}, sh.asked, sh.err
	}
	m, err := l.c.mountOf(ctx, raw)
	return m, raw, err
}
