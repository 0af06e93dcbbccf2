//go:build !unix

package idtoken

// openNoFollow is empty where O_NOFOLLOW and O_NONBLOCK do not exist
// (Windows). check has already refused links and anything but a regular
// file, and read compares the file it opened with the one check saw.
const openNoFollow = 0
