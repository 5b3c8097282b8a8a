package generator

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// The user fields' share of the package: their place in User and in each
// store is the core's (emitStore, the stores), which range over
// m.UserFields; this feature adds fields.go, which reads them from a
// registration, their columns in the schema, and their words in the
// documents and tests (templates/features/userfields.tmpl).

// userFieldsFeature is user_fields.
type userFieldsFeature struct{ noFeature }

func (userFieldsFeature) name() string { return "userfields" }

func (userFieldsFeature) files(m *Model) []step {
	if len(m.RegisterFields()) == 0 {
		return nil
	}
	return []step{{path: m.Package + "/fields.go", owner: Generated, render: goFile(emitFields)}}
}

// schema adds a column per field and, for a unique one, its unique index
// (with, for a string, the column of its folded value that the index
// covers).
func (userFieldsFeature) schema(m *Model) []schemaObject {
	var objects []schemaObject
	for _, f := range m.UserFields {
		objects = append(objects, schemaObject{key: "column:users." + f.Name, def: string(f.Type)})
		if f.Unique {
			objects = append(objects, schemaObject{key: "unique:users." + f.Name, def: string(f.Type)})
		}
	}
	return objects
}

// initialisms are the words Go spells in capitals inside a name.
var initialisms = map[string]string{"id": "ID", "url": "URL", "uri": "URI", "api": "API", "ip": "IP", "http": "HTTP", "json": "JSON", "uuid": "UUID", "sql": "SQL", "html": "HTML", "utc": "UTC", "ui": "UI"}

// GoName is the field's name in Go: display_name is DisplayName, tenant_id
// TenantID.
func (f UserField) GoName() string {
	var b strings.Builder
	for _, word := range strings.Split(f.Name, "_") {
		if up, ok := initialisms[word]; ok {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(word[:1]) + word[1:])
	}
	return b.String()
}

// localName is the name of a variable that holds the field's value:
// display_name is displayName, id_card idCard.
func (f UserField) localName() string {
	first, rest, _ := strings.Cut(f.Name, "_")
	name := first
	if rest != "" {
		name += UserField{Name: rest}.GoName()
	}
	if slices.Contains(takenLocals, name) {
		name += "Value"
	}
	return name
}

// takenLocals are the names of the variables beside which generated code
// declares one per field (readField, scanUser).
var takenLocals = []string{"u", "p", "in", "created", "err", "ctx", "s", "r", "w", "e", "t", "taken"}

// valueType is the Go type of a value of the field.
func (f UserField) valueType() *jen.Statement {
	switch f.Type {
	case FieldInt:
		return jen.Int64()
	case FieldBool:
		return jen.Bool()
	case FieldTime:
		return jen.Qual(pkgTime, "Time")
	}
	return jen.String()
}

// goType is the type of the field in User: its value, or a pointer to one
// when it is optional, nil meaning not set.
func (f UserField) goType() *jen.Statement {
	if f.Required {
		return f.valueType()
	}
	return jen.Op("*").Add(f.valueType())
}

// FoldColumn is the column of a unique string's folded value: the unique
// index covers it, so that letter case never tells two values apart, the
// same way in every store.
func (f UserField) FoldColumn() string { return f.Name + "_fold" }

// FoldsCase reports whether the field's uniqueness ignores letter case.
func (f UserField) FoldsCase() bool { return f.Unique && f.Type == FieldString }

// describe is what authgen.yaml says of the field, in words.
func (f UserField) describe() string {
	words := []string{"optional"}
	if f.Required {
		words[0] = "required"
	}
	if f.Type == FieldString {
		words = append(words, "at most "+itoa(f.MaxLength)+" characters")
	}
	if f.Unique {
		words = append(words, "unique")
	}
	switch {
	case !f.Register && !f.Me:
		words = append(words, "set by the service only, never shown")
	case !f.Register:
		words = append(words, "set by the service only")
	case !f.Me:
		words = append(words, "never shown")
	}
	return strings.Join(words, ", ")
}

// userStructFields are the fields' members of User.
func (m *Model) userStructFields() []jen.Code {
	var out []jen.Code
	for _, f := range m.UserFields {
		tag := f.Name
		if !f.Me {
			tag = "-"
		}
		out = append(out, jen.Comment(f.GoName()+" is the user field "+f.Name+" ("+f.describe()+").").Line().
			Id(f.GoName()).Add(f.goType()).Tag(map[string]string{"json": tag}))
	}
	return out
}

// emitFieldTaken renders, into store.go, the error of a taken unique field
// and foldKey, the form in which string values are compared.
func emitFieldTaken(f *jen.File, m *Model) {
	if len(m.UniqueFields()) == 0 {
		return
	}
	f.Comment("FieldTakenError means that the value of a unique user field is another")
	f.Comment("user's.")
	f.Type().Id("FieldTakenError").Struct(
		jen.Comment("Field is the field's name, as in authgen.yaml and in JSON."),
		jen.Id("Field").String(),
	)
	f.Line()
	f.Func().Params(jen.Id("e").Op("*").Id("FieldTakenError")).Id("Error").Params().String().Block(
		jen.Return(jen.Lit("auth: this ").Op("+").Id("e").Dot("Field").Op("+").Lit(" is taken")),
	)
	f.Line()
	if !slices.ContainsFunc(m.UniqueFields(), UserField.FoldsCase) {
		return
	}
	f.Comment("foldKey is the form in which unique strings are stored beside their value")
	f.Comment("and compared: each letter in the lower case of its upper case, so that two")
	f.Comment("values that differ only in letter case (as strings.EqualFold sees it) are")
	f.Comment("one. Every store keeps it the same way, whatever its collation.")
	f.Func().Id("foldKey").Params(jen.Id("s").String()).String().Block(
		jen.Return(jen.Qual("strings", "Map").Call(jen.Func().Params(jen.Id("r").Rune()).Rune().Block(
			jen.Return(jen.Qual("unicode", "ToLower").Call(jen.Qual("unicode", "ToUpper").Call(jen.Id("r")))),
		), jen.Id("s"))),
	)
	f.Line()
}

// createUserDoc is the doc comment of Store.CreateUser: which error says
// what was taken.
func createUserDoc(m *Model) jen.Code {
	if len(m.UniqueFields()) == 0 {
		return jen.Comment("CreateUser stores u, or returns ErrDuplicate.")
	}
	return jen.Comment("CreateUser stores u. It returns a *FieldTakenError when the value of a").Line().
		Comment("unique field is another user's, whether or not the " + m.IdentityJSON() + " is too, so that").Line().
		Comment("the answer never tells whether an account exists; else ErrDuplicate when").Line().
		Comment("the " + m.IdentityJSON() + " is taken.")
}

// registrationType is the type register decodes: credentials, or with
// fields a user may set, registration.
func (m *Model) registrationType() string {
	if len(m.RegisterFields()) == 0 {
		return "credentials"
	}
	return "registration"
}

// readUserFields is, in Register, "if p := in.userFields(&u); p != nil {
// write it; return }".
func readUserFields(m *Model) jen.Code {
	if len(m.RegisterFields()) == 0 {
		return jen.Null()
	}
	return jen.If(jen.Id("p").Op(":=").Id("in").Dot("userFields").Call(jen.Op("&").Id("u")), jen.Id("p").Op("!=").Nil()).Block(writeProblemReturn(jen.Id("p"))...)
}

// fieldTakenCase is the case of Register's outcome for a taken unique
// field, with the variable it declares first: 409 field_taken, naming the
// field.
func fieldTakenCase(m *Model) (decl, caseOf jen.Code) {
	if len(m.UniqueFields()) == 0 {
		return jen.Null(), jen.Null()
	}
	return jen.Var().Id("taken").Op("*").Id("FieldTakenError"),
		jen.Case(jen.Qual(pkgErrors, "As").Call(jen.Err(), jen.Op("&").Id("taken"))).Block(
			jen.Id("p").Op(":=").Qual(pkgHTTPAuth, "NewProblem").Call(jen.Qual(pkgHTTP, "StatusConflict"), jen.Qual(pkgHTTPAuth, "CodeFieldTaken"), jen.Lit("this ").Op("+").Id("taken").Dot("Field").Op("+").Lit(" is taken")),
			jen.Id("p").Dot("Field").Op("=").Id("taken").Dot("Field"),
			writeProblem(jen.Id("p")),
			jen.Return(),
		)
}

// emitFields renders fields.go: the registration's body with the user
// fields a user may set, and their checks.
func emitFields(f *jen.File, m *Model) {
	f.Comment("registration is the body of register: the credentials, and the user fields")
	f.Comment("a user may set (authgen.yaml's user_fields), kept raw until each is checked.")
	members := []jen.Code{jen.Id("credentials")}
	for _, uf := range m.RegisterFields() {
		members = append(members, jen.Id(uf.GoName()).Qual("encoding/json", "RawMessage").Tag(map[string]string{"json": uf.Name}))
	}
	f.Type().Id("registration").Struct(members...)
	f.Line()
	f.Comment("userFields checks the user fields of the registration into u, or answers")
	f.Comment("422 naming the first one that is missing or invalid.")
	var body []jen.Code
	if slices.ContainsFunc(m.RegisterFields(), func(uf UserField) bool { return !uf.Required }) {
		body = append(body, jen.Var().Id("p").Op("*").Qual(pkgHTTPAuth, "Problem"))
	}
	for _, uf := range m.RegisterFields() {
		body = append(body, readField(uf)...)
	}
	body = append(body, jen.Return(jen.Nil()))
	f.Func().Params(jen.Id("in").Id("registration")).Id("userFields").Params(jen.Id("u").Op("*").Id("User")).Op("*").Qual(pkgHTTPAuth, "Problem").Block(body...)
	f.Line()
	emitFieldReaders(f, m)
}

// readField is the statements of userFields that read uf.
func readField(uf UserField) []jen.Code {
	args := []jen.Code{jen.Lit(uf.Name), jen.Id("in").Dot(uf.GoName()), jen.Lit(uf.Required)}
	if uf.Type == FieldString {
		args = append(args, jen.Lit(uf.MaxLength))
	}
	read := jen.Id(string(uf.Type) + "Field").Call(args...)
	target := jen.Id("u").Dot(uf.GoName())
	if !uf.Required {
		return []jen.Code{jen.If(jen.List(target, jen.Id("p")).Op("=").Add(read), jen.Id("p").Op("!=").Nil()).Block(jen.Return(jen.Id("p")))}
	}
	v := jen.Id(uf.localName())
	return []jen.Code{
		jen.List(v, jen.Id("p")).Op(":=").Add(read),
		jen.If(jen.Id("p").Op("!=").Nil()).Block(jen.Return(jen.Id("p"))),
		target.Clone().Op("=").Op("*").Add(v),
	}
}

// emitFieldReaders renders the readers of the field types registration
// uses, and fieldValue beneath them.
func emitFieldReaders(f *jen.File, m *Model) {
	problem := jen.Op("*").Qual(pkgHTTPAuth, "Problem")
	raw := jen.Id("raw").Qual("encoding/json", "RawMessage")
	params := func(more ...jen.Code) []jen.Code {
		return append([]jen.Code{jen.Id("name").String(), raw, jen.Id("required").Bool()}, more...)
	}
	if len(m.RegisterFieldsOf(FieldString)) > 0 {
		f.Comment("stringField reads a string of at most limit characters, without the spaces")
		f.Comment("around it; one with nothing visible is no value, and one with a character")
		f.Comment("that is not text (see isText) is refused.")
		text := jen.Id("text")
		f.Func().Id("stringField").Params(params(jen.Id("limit").Int())...).Params(jen.Op("*").String(), problem).Block(
			jen.List(jen.Id("v"), jen.Id("p")).Op(":=").Id("fieldValue").Types(jen.String()).Call(jen.Id("name"), jen.Id("raw"), jen.Id("required"), jen.Lit("a string")),
			jen.If(jen.Id("p").Op("!=").Nil().Op("||").Id("v").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Id("p"))),
			jen.Add(text).Op(":=").Qual("strings", "TrimSpace").Call(jen.Op("*").Id("v")),
			jen.Switch().Block(
				jen.Case(jen.Op("!").Id("visible").Call(text).Op("&&").Id("required")).Block(
					jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Id("name"), jen.Id("name").Op("+").Lit(" is required"))),
				),
				jen.Case(jen.Op("!").Id("visible").Call(text)).Block(jen.Return(jen.Nil(), jen.Nil())),
				jen.Case(jen.Qual("unicode/utf8", "RuneCountInString").Call(text).Op(">").Id("limit").Op("||").Qual("strings", "IndexFunc").Call(text, jen.Func().Params(jen.Id("r").Rune()).Bool().Block(jen.Return(jen.Op("!").Id("isText").Call(jen.Id("r"))))).Op(">=").Lit(0)).Block(
					jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Id("name"), jen.Qual("fmt", "Sprintf").Call(jen.Lit("%s must be at most %d characters of text: no control, line-separator or direction-override characters"), jen.Id("name"), jen.Id("limit")))),
				),
			),
			jen.Return(jen.Op("&").Add(text), jen.Nil()),
		)
		f.Line()
		f.Comment("visible reports whether s shows anything: a character that is neither a")
		f.Comment("space nor invisible, as a zero-width space is.")
		f.Func().Id("visible").Params(jen.Id("s").String()).Bool().Block(
			jen.Return(jen.Qual("strings", "IndexFunc").Call(jen.Id("s"), jen.Func().Params(jen.Id("r").Rune()).Bool().Block(
				jen.Return(jen.Qual("unicode", "IsGraphic").Call(jen.Id("r")).Op("&&").Op("!").Qual("unicode", "IsSpace").Call(jen.Id("r"))),
			)).Op(">=").Lit(0)),
		)
		f.Line()
		f.Comment("isText reports whether r may stand in a string field: not a control")
		f.Comment("character, not U+FFFD (what invalid input decodes to), and none of the")
		f.Comment("characters that break or reorder the text around them where it is shown.")
		f.Func().Id("isText").Params(jen.Id("r").Rune()).Bool().Block(
			jen.Switch().Block(
				jen.Case(jen.Qual("unicode", "IsControl").Call(jen.Id("r")), jen.Id("r").Op("==").Qual("unicode/utf8", "RuneError"), jen.Id("r").Op("==").LitRune('\u2028'), jen.Id("r").Op("==").LitRune('\u2029')).Block(jen.Return(jen.False())),
				jen.Case(jen.Id("r").Op(">=").LitRune('\u202a').Op("&&").Id("r").Op("<=").LitRune('\u202e'), jen.Id("r").Op(">=").LitRune('\u2066').Op("&&").Id("r").Op("<=").LitRune('\u2069')).Block(jen.Return(jen.False())),
			),
			jen.Return(jen.True()),
		)
		f.Line()
	}
	if len(m.RegisterFieldsOf(FieldInt)) > 0 {
		f.Comment("intField reads a whole number.")
		f.Func().Id("intField").Params(params()...).Params(jen.Op("*").Int64(), problem).Block(
			jen.Return(jen.Id("fieldValue").Types(jen.Int64()).Call(jen.Id("name"), jen.Id("raw"), jen.Id("required"), jen.Lit("a whole number"))),
		)
		f.Line()
	}
	if len(m.RegisterFieldsOf(FieldBool)) > 0 {
		f.Comment("boolField reads true or false.")
		f.Func().Id("boolField").Params(params()...).Params(jen.Op("*").Bool(), problem).Block(
			jen.Return(jen.Id("fieldValue").Types(jen.Bool()).Call(jen.Id("name"), jen.Id("raw"), jen.Id("required"), jen.Lit("true or false"))),
		)
		f.Line()
	}
	if len(m.RegisterFieldsOf(FieldTime)) > 0 {
		f.Comment("timeField reads an RFC 3339 time, kept in UTC to the millisecond, as every")
		f.Comment("store keeps it, within the years that every store and JSON can hold.")
		f.Func().Id("timeField").Params(params()...).Params(jen.Op("*").Qual(pkgTime, "Time"), problem).Block(
			jen.List(jen.Id("v"), jen.Id("p")).Op(":=").Id("fieldValue").Types(jen.Qual(pkgTime, "Time")).Call(jen.Id("name"), jen.Id("raw"), jen.Id("required"), jen.Lit("an RFC 3339 time such as 2024-05-01T12:00:00Z")),
			jen.If(jen.Id("p").Op("!=").Nil().Op("||").Id("v").Op("==").Nil()).Block(jen.Return(jen.Nil(), jen.Id("p"))),
			jen.Op("*").Id("v").Op("=").Id("v").Dot("UTC").Call().Dot("Truncate").Call(jen.Qual(pkgTime, "Millisecond")),
			jen.If(jen.Id("y").Op(":=").Id("v").Dot("Year").Call(), jen.Id("y").Op("<").Lit(1).Op("||").Id("y").Op(">").Lit(9999)).Block(
				jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Id("name"), jen.Id("name").Op("+").Lit(" must be a time from the year 1 to 9999, in UTC"))),
			),
			jen.Return(jen.Id("v"), jen.Nil()),
		)
		f.Line()
	}
	f.Comment("fieldValue decodes the JSON value of the user field name: nil when it is")
	f.Comment("absent or null, which a required field must not be, and 422 when it is not")
	f.Comment("a value of the field's type (want says which).")
	f.Func().Id("fieldValue").Types(jen.Id("T").Any()).Params(jen.Id("name").String(), raw, jen.Id("required").Bool(), jen.Id("want").String()).Params(jen.Op("*").Id("T"), problem).Block(
		jen.If(jen.Len(jen.Id("raw")).Op("==").Lit(0).Op("||").String().Call(jen.Id("raw")).Op("==").Lit("null")).Block(
			jen.If(jen.Id("required")).Block(
				jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Id("name"), jen.Id("name").Op("+").Lit(" is required"))),
			),
			jen.Return(jen.Nil(), jen.Nil()),
		),
		jen.Id("v").Op(":=").New(jen.Id("T")),
		jen.If(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("raw"), jen.Id("v")).Op("!=").Nil()).Block(
			jen.Return(jen.Nil(), jen.Qual(pkgHTTPAuth, "Invalid").Call(jen.Id("name"), jen.Id("name").Op("+").Lit(" must be ").Op("+").Id("want"))),
		),
		jen.Return(jen.Id("v"), jen.Nil()),
	)
}

// TypeWords is the field's type for AUTH.md.
func (f UserField) TypeWords() string {
	if f.Type == FieldTime {
		return "time (RFC 3339)"
	}
	return string(f.Type)
}

// RuleWords are the field's rules for AUTH.md.
func (f UserField) RuleWords() string {
	var words []string
	if f.Required {
		words = append(words, "required")
	}
	if f.Type == FieldString {
		words = append(words, "at most "+itoa(f.MaxLength)+" characters")
	}
	if f.FoldsCase() {
		words = append(words, "unique, whatever the letter case")
	} else if f.Unique {
		words = append(words, "unique")
	}
	if len(words) == 0 {
		return "—"
	}
	return strings.Join(words, "; ")
}

// OpenAPISchema is the field's schema in openapi.yaml, on one line; an
// optional field may be null.
func (f UserField) OpenAPISchema() string {
	jsonType := map[FieldType]string{FieldString: "string", FieldInt: "integer", FieldBool: "boolean", FieldTime: "string"}[f.Type]
	parts := []string{"type: " + jsonType}
	if !f.Required {
		parts[0] = `type: [` + jsonType + `, "null"]`
	}
	switch f.Type {
	case FieldString:
		parts = append(parts, "maxLength: "+itoa(f.MaxLength))
	case FieldInt:
		parts = append(parts, "format: int64")
	case FieldTime:
		parts = append(parts, "format: date-time")
	}
	switch {
	case f.FoldsCase():
		parts = append(parts, `description: "Unique, whatever the letter case."`)
	case f.Unique:
		parts = append(parts, `description: Unique.`)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// Sample is the field's n-th sample value in the generated tests, as Go
// source with n, an int64, in scope: successive values differ, so that no
// two test users share a unique one.
func (f UserField) Sample() string {
	switch f.Type {
	case FieldString:
		return "sampleText(n, " + itoa(f.MaxLength) + ")"
	case FieldInt:
		return "n"
	case FieldBool:
		return "n%2 == 0"
	}
	return "sampleTime.Add(time.Duration(n) * time.Second)"
}

// SampleField is Sample as User holds it: behind a pointer when optional.
func (f UserField) SampleField() string {
	if f.Required {
		return f.Sample()
	}
	return "ptr(" + f.Sample() + ")"
}

// fixedSample is a JSON value of the field that no value of Sample equals,
// for the tests' fixed request bodies.
func (f UserField) fixedSample(n int) string {
	switch f.Type {
	case FieldString:
		s := "Sample"[:min(6, f.MaxLength)]
		if n > 1 {
			s = s[:len(s)-1] + strconv.Itoa(n%10)
		}
		return `"` + s + `"`
	case FieldInt:
		return strconv.Itoa(-n)
	case FieldBool:
		return strconv.FormatBool(n%2 == 1)
	}
	return `"` + strconv.Itoa(2000-n) + `-12-31T23:59:59Z"`
}
