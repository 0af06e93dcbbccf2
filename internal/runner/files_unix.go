//go:build unix

package runner

import (
	"os"
	"syscall"
)

// createNoFollow is a second guard beside O_EXCL: a link planted at a
// file's path is never followed.
const createNoFollow = syscall.O_NOFOLLOW

// ownerOf returns the uid and gid that own info's file, or nil if the
// system does not say.
func ownerOf(info os.FileInfo) *owner {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return &owner{uid: int(st.Uid), gid: int(st.Gid)}
}
