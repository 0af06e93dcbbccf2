//go:build unix

package idtoken

import "syscall"

// openNoFollow makes File's open follow no link and not wait on a FIFO or
// device: what check saw is what is read.
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK
