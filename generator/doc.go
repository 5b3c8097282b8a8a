// Package generator turns authgen options into the files of a service's auth
// package. It is a pipeline:
//
//	options.go   Options: defaults, validation, authgen.yaml (config.go)
//	detect.go    Target:  what the target module already is
//	plan.go      Plan:    every file to write, its owner and its renderer
//	emit_*.go    Render:  jennifer for Go that varies, templates/ for the rest
//	write.go     Write:   atomic, change-only writes, the manifest and check
//
// Routers and stores vary behind the Framework and Storage interfaces: each
// implementation is one file (framework_chi.go, storage_sqlite.go, ...) and
// nothing else in the package names a router or a database. Options that
// add to the package (keys, transport, throttling, duplicate registration)
// are features (feature.go): one feature_<name>.go each, which the core
// emitters range over at every seam, and one templates/features/<name>.tmpl
// with the feature's fragments of the documents and its tests. Routers supply idiom, not
// files: the middleware and the example routers are written once, in
// emit_routes.go, over the Framework's Idiom.
//
// Generate is pure: options and a target in, file contents out. The CLI,
// check, and every test go through it; only Write touches the disk.
package generator
