package generator

import "github.com/dave/jennifer/jen"

// A feature is an option's share of the generated package: what it adds at
// each seam that the core emitters leave open. The core emitters range over
// m.features() at every seam, in the one order of the features list, so a
// new option is one feature_<name>.go (plus its templates) and no edit to
// the core. Every method returns nothing when the option is off for m; embed
// noFeature and implement only the seams the feature uses.
type feature interface {
	// name is the feature's name in templates/features: its fragments of the
	// shared documents are templates/features/<name>.tmpl.
	name() string
	// configFields are Config's fields, with their doc comments.
	configFields(m *Model) []jen.Code
	// fromEnv are the statements of ConfigFromEnv that read those fields into
	// cfg; err is declared, and a failure returns Config{}, err.
	fromEnv(m *Model) []jen.Code
	// configFuncs renders the helpers of those statements into config.go.
	configFuncs(f *jen.File, m *Model)
	// serviceFields are Service's unexported fields.
	serviceFields(m *Model) []jen.Code
	// newStatements run first in New, before the token service is made; cfg
	// and store are in scope, and a failure returns nil, err.
	newStatements(m *Model) []jen.Code
	// tokenConfig are the feature's fields of the token.Config that New
	// makes, as name, value pairs; what newStatements declared is in scope.
	tokenConfig(m *Model) []any
	// serviceValues are the feature's fields in New's Service literal, as
	// name, value pairs.
	serviceValues(m *Model) []any
	// storeMethods extend the Store interface that every storage implements.
	storeMethods(m *Model) []jen.Code
	// endpoints are routes under the prefix, wellKnown routes at fixed paths
	// from the root; every framework mounts them with the core's.
	endpoints(m *Model) []Endpoint
	wellKnown(m *Model) []Endpoint
	// handlers renders the feature's handlers and helpers into handlers.go.
	handlers(f *jen.File, m *Model)
	// files are the feature's own files in the plan. The feature's tests,
	// like its words in the documents, are fragments of its template
	// (templates/features/<name>.tmpl: "<name>:tests" and the imports they
	// need, "<name>:tests.imports"), which options_test.go gathers.
	files(m *Model) []step
	// schema are the tables and columns the feature needs in a SQL store;
	// the store's migrations follow them (see schema.go).
	schema(m *Model) []schemaObject
	// background names the Service's methods, func(context.Context), that
	// FromEnv runs in goroutines until Close.
	background(m *Model) []string
	// requires are the modules the feature's code imports, which the
	// target's go.mod gains.
	requires(m *Model) []Module
}

// features lists every option feature, in the order of their seams' output.
var features = []feature{
	keysFeature{},
	transportFeature{},
	throttleFeature{},
	duplicatesFeature{},
	clientIPFeature{},
	userFieldsFeature{},
	sessionsFeature{},
	apiTokensFeature{},
	recentAuthFeature{},
	mfaFeature{},
	emailFeature{},
}

// noFeature is a feature that adds nothing; features embed it.
type noFeature struct{}

func (noFeature) configFields(*Model) []jen.Code  { return nil }
func (noFeature) fromEnv(*Model) []jen.Code       { return nil }
func (noFeature) configFuncs(*jen.File, *Model)   {}
func (noFeature) serviceFields(*Model) []jen.Code { return nil }
func (noFeature) newStatements(*Model) []jen.Code { return nil }
func (noFeature) serviceValues(*Model) []any      { return nil }
func (noFeature) tokenConfig(*Model) []any        { return nil }
func (noFeature) storeMethods(*Model) []jen.Code  { return nil }
func (noFeature) endpoints(*Model) []Endpoint     { return nil }
func (noFeature) wellKnown(*Model) []Endpoint     { return nil }
func (noFeature) handlers(*jen.File, *Model)      {}
func (noFeature) files(*Model) []step             { return nil }
func (noFeature) schema(*Model) []schemaObject    { return nil }
func (noFeature) background(*Model) []string      { return nil }
func (noFeature) requires(*Model) []Module        { return nil }

// when is code if the option is on, else nothing: the usual body of a seam.
func when(on bool, code ...jen.Code) []jen.Code {
	if !on {
		return nil
	}
	return code
}

// collect joins what every feature adds at one seam, in feature order.
func collect[T any](m *Model, seam func(feature, *Model) []T) []T {
	var out []T
	for _, ft := range features {
		out = append(out, seam(ft, m)...)
	}
	return out
}

// FeatureNames lists the features in order, for the documents' seams.
func (m *Model) FeatureNames() []string {
	names := make([]string, len(features))
	for i, ft := range features {
		names[i] = ft.name()
	}
	return names
}

// render lets every feature render into f at one seam, in feature order.
func render(f *jen.File, m *Model, seam func(feature, *jen.File, *Model)) {
	for _, ft := range features {
		seam(ft, f, m)
	}
}
