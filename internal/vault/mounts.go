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

// sharedMount is one directory's lookup: done closes once m and err are set.
type sharedMount struct {
	done chan struct{}
	m    mount
	err  error
}

func newMountLookups(c *Client) *mountLookups {
	return &mountLookups{c: c, byDir: map[string]*sharedMount{}}
}

// mountOf is Client.mountOf for raw, asked once per directory. A path
// whose directory's answer does not surely hold it (no mount known, a
// mount path that is not a prefix of the directory, a failed lookup) is
// looked up on its own, as if nothing were shared.
func (l *mountLookups) mountOf(ctx context.Context, raw string) (mount, error) {
	slash := strings.LastIndexByte(raw, '/')
	if slash < 0 {
		return l.c.mountOf(ctx, raw)
	}
	dir := raw[:slash+1]
	l.mu.Lock()
	sh, asked := l.byDir[dir]
	if !asked {
		sh = &sharedMount{done: make(chan struct{})}
		l.byDir[dir] = sh
	}
	l.mu.Unlock()
	if !asked {
		sh.m, sh.err = l.c.mountOf(ctx, raw)
		close(sh.done)
		return sh.m, sh.err
	}
	<-sh.done
	if sh.err == nil && strings.HasSuffix(sh.m.path, "/") && strings.HasPrefix(dir, sh.m.path) {
		return sh.m, nil
	}
	return l.c.mountOf(ctx, raw)
}
