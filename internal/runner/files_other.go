//go:build !unix

package runner

import "os"

// createNoFollow is empty where O_NOFOLLOW does not exist (Windows):
// O_EXCL already refuses any name that exists, a link included.
const createNoFollow = 0

// ownerOf returns nil: without uids there is no one to hand files over to.
func ownerOf(os.FileInfo) *owner { return nil }
