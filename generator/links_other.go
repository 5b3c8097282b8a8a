//go:build !unix

package generator

import "io/fs"

// hardLinks is 1 where the platform does not say.
func hardLinks(fs.FileInfo) uint64 { return 1 }
