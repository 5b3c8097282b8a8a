//go:build unix

package generator

import (
	"io/fs"
	"syscall"
)

// hardLinks is the number of names fi's file has; 1 where it cannot tell.
func hardLinks(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
