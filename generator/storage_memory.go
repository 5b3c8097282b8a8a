package generator

import "github.com/dave/jennifer/jen"

func init() { registerStorage(memoryStorage{}) }

// memoryStorage keeps everything in maps behind one mutex: for tests and
// demos, lost on restart.
type memoryStorage struct{}

func (memoryStorage) Name() string { return "memory" }

func (memoryStorage) Describe() string {
	return "in-process maps: nothing to run, everything lost on restart (tests, demos)"
}

func (memoryStorage) Requires() []Module { return nil }

func (memoryStorage) Dialect() string { return "" }

func (memoryStorage) Env() []EnvVar { return nil }

func (memoryStorage) ImportNames() map[string]string { return nil }

func (memoryStorage) Store(f *jen.File, m *Model) {
	f.Comment("MemoryStore keeps users and refresh tokens in memory. Everything is lost")
	f.Comment("when the process exits: use it for tests and demos, not production.")
	fields := []jen.Code{
		jen.Id("mu").Qual("sync", "Mutex"),
		jen.Id("users").Map(jen.String()).Id("User").Comment("by ID"),
		jen.Id("ids").Map(jen.String()).String().Comment("user ID by normalised " + m.IdentityJSON()),
		jen.Id("tokens").Map(jen.String()).Qual(pkgRefresh, "Record").Comment("by digest"),
	}
	values := jen.Dict{
		jen.Id("users"):  jen.Map(jen.String()).Id("User").Values(),
		jen.Id("ids"):    jen.Map(jen.String()).String().Values(),
		jen.Id("tokens"): jen.Map(jen.String()).Qual(pkgRefresh, "Record").Values(),
	}
	unique := len(m.UniqueFields()) > 0
	if unique {
		fields = append(fields, jen.Id("taken").Map(jen.String()).String().Comment("user ID by unique field and value, see uniqueKeys"))
		values[jen.Id("taken")] = jen.Map(jen.String()).String().Values()
	}
	if m.APITokens {
		fields = append(fields, jen.Id("apiTokens").Map(jen.String()).Id("APIToken").Comment("personal access tokens by digest"))
		values[jen.Id("apiTokens")] = jen.Map(jen.String()).Id("APIToken").Values()
	}
	memoryMFAFields(m, &fields, values)
	memoryMailFields(m, &fields, values)
	if m.ThrottleInStore() {
		fields = append(fields, jen.Line().Comment("Memory keeps the failed-login counts: in one process, the store's memory").Line().Comment("and the instance's are the same.").Line().Op("*").Qual(pkgThrottle, "Memory"))
		values[jen.Id("Memory")] = jen.Qual(pkgThrottle, "NewMemory").Call(jen.Lit(0))
	}
	f.Type().Id("MemoryStore").Struct(fields...)
	f.Line()
	f.Comment("NewMemoryStore returns an empty MemoryStore.")
	f.Func().Id("NewMemoryStore").Params().Op("*").Id("MemoryStore").Block(
		jen.Return(jen.Op("&").Id("MemoryStore").Values(values)),
	)
	f.Line()
	method := func(doc, name string, params, results []jen.Code, body ...jen.Code) {
		docComment(f, doc)
		lock := []jen.Code{jen.Id("s").Dot("mu").Dot("Lock").Call(), jen.Defer().Id("s").Dot("mu").Dot("Unlock").Call()}
		f.Func().Params(jen.Id("s").Op("*").Id("MemoryStore")).Id(name).Params(params...).Params(results...).Block(append(lock, body...)...)
		f.Line()
	}
	ctx := jen.Id("_").Qual(pkgContext, "Context")
	userErr := []jen.Code{jen.Id("User"), jen.Error()}
	var checkTaken, markTaken jen.Code = jen.Null(), jen.Null()
	if unique {
		checkTaken = jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Id("uniqueKeys").Call(jen.Id("u"))).Block(
			jen.If(jen.List(jen.Id("_"), jen.Id("taken")).Op(":=").Id("s").Dot("taken").Index(jen.Id("k").Dot("key")), jen.Id("taken")).Block(
				jen.Return(jen.Op("&").Id("FieldTakenError").Values(jen.Dict{jen.Id("Field"): jen.Id("k").Dot("field")})),
			),
		)
		markTaken = jen.For(jen.List(jen.Id("_"), jen.Id("k")).Op(":=").Range().Id("uniqueKeys").Call(jen.Id("u"))).Block(
			jen.Id("s").Dot("taken").Index(jen.Id("k").Dot("key")).Op("=").Id("u").Dot("ID"),
		)
	}
	createDoc := "CreateUser implements Store."
	if unique {
		createDoc = "CreateUser implements Store: the unique fields first, then the identity\n// (see Store)."
	}
	method(createDoc, "CreateUser", []jen.Code{ctx, jen.Id("u").Id("User")}, []jen.Code{jen.Error()},
		checkTaken,
		jen.If(jen.List(jen.Id("_"), jen.Id("taken")).Op(":=").Id("s").Dot("ids").Index(jen.Id("u").Dot(m.IdentityField())), jen.Id("taken")).Block(jen.Return(jen.Id("ErrDuplicate"))),
		jen.Id("s").Dot("users").Index(jen.Id("u").Dot("ID")).Op("=").Id("u"),
		jen.Id("s").Dot("ids").Index(jen.Id("u").Dot(m.IdentityField())).Op("=").Id("u").Dot("ID"),
		markTaken,
		jen.Return(jen.Nil()),
	)
	method(m.userByIdentity()+" implements Store.", m.userByIdentity(), []jen.Code{ctx, jen.Id(m.IdentityJSON()).String()}, userErr,
		jen.List(jen.Id("id"), jen.Id("ok")).Op(":=").Id("s").Dot("ids").Index(jen.Id(m.IdentityJSON())),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("User").Values(), jen.Id("ErrNotFound"))),
		jen.Return(jen.Id("s").Dot("users").Index(jen.Id("id")), jen.Nil()),
	)
	method("UserByID implements Store.", "UserByID", []jen.Code{ctx, jen.Id("id").String()}, userErr,
		jen.List(jen.Id("u"), jen.Id("ok")).Op(":=").Id("s").Dot("users").Index(jen.Id("id")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("User").Values(), jen.Id("ErrNotFound"))),
		jen.Return(jen.Id("u"), jen.Nil()),
	)
	method("SetPasswordHash implements Store.", "SetPasswordHash", []jen.Code{ctx, jen.List(jen.Id("id"), jen.Id("hash")).String()}, []jen.Code{jen.Error()},
		jen.List(jen.Id("u"), jen.Id("ok")).Op(":=").Id("s").Dot("users").Index(jen.Id("id")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("ErrNotFound"))),
		jen.Id("u").Dot("PasswordHash").Op("=").Id("hash"),
		jen.Id("s").Dot("users").Index(jen.Id("id")).Op("=").Id("u"),
		jen.Return(jen.Nil()),
	)
	method("ReplacePasswordHash implements Store; the mutex makes the check, the update\n// and the revocation one step.", "ReplacePasswordHash",
		[]jen.Code{ctx, jen.List(jen.Id("id"), jen.Id("old"), jen.Id("next")).String(), jen.Id("now").Qual(pkgTime, "Time")}, []jen.Code{jen.Error()},
		jen.List(jen.Id("u"), jen.Id("ok")).Op(":=").Id("s").Dot("users").Index(jen.Id("id")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(jen.Id("ErrNotFound"))),
		jen.If(jen.Id("u").Dot("PasswordHash").Op("!=").Id("old")).Block(jen.Return(jen.Id("ErrPasswordChanged"))),
		jen.Id("u").Dot("PasswordHash").Op("=").Id("next"),
		jen.Id("s").Dot("users").Index(jen.Id("id")).Op("=").Id("u"),
		jen.Id("s").Dot("revoke").Call(jen.Id("now"), jen.Func().Params(jen.Id("r").Qual(pkgRefresh, "Record")).Bool().Block(jen.Return(jen.Id("r").Dot("UserID").Op("==").Id("id")))),
		memoryDeleteAPITokens(m),
		jen.Return(jen.Nil()),
	)
	method("StartSession implements Store.", "StartSession",
		[]jen.Code{ctx, jen.Id("r").Qual(pkgRefresh, "Record"), jen.Id("passwordHash").String()}, []jen.Code{jen.Error()},
		jen.If(jen.List(jen.Id("u"), jen.Id("ok")).Op(":=").Id("s").Dot("users").Index(jen.Id("r").Dot("UserID")), jen.Op("!").Id("ok").Op("||").Id("u").Dot("PasswordHash").Op("!=").Id("passwordHash")).Block(
			jen.Return(jen.Id("ErrPasswordChanged")),
		),
		jen.Id("s").Dot("tokens").Index(jen.Id("r").Dot("Digest")).Op("=").Id("r"),
		jen.Return(jen.Nil()),
	)
	rec := jen.Qual(pkgRefresh, "Record")
	method("InsertRefresh implements refresh.Store.", "InsertRefresh", []jen.Code{ctx, jen.Id("r").Add(rec)}, []jen.Code{jen.Error()},
		jen.Id("s").Dot("tokens").Index(jen.Id("r").Dot("Digest")).Op("=").Id("r"),
		jen.Return(jen.Nil()),
	)
	method("RotateRefresh implements refresh.Store; the mutex makes the check and\n// the update one step.", "RotateRefresh",
		[]jen.Code{ctx, jen.Id("old").String(), jen.Id("next").Add(rec), jen.Id("now").Qual(pkgTime, "Time")}, []jen.Code{rec, jen.Error()},
		jen.List(jen.Id("r"), jen.Id("ok")).Op(":=").Id("s").Dot("tokens").Index(jen.Id("old")),
		jen.If(jen.Op("!").Id("ok").Op("||").Op("!").Id("r").Dot("Live").Call(jen.Id("now"))).Block(jen.Return(rec.Clone().Values(), jen.Qual(pkgRefresh, "ErrNotFound"))),
		jen.Id("r").Dot("ReplacedAt").Op("=").Op("&").Id("now"),
		jen.Id("s").Dot("tokens").Index(jen.Id("old")).Op("=").Id("r"),
		jen.List(jen.Id("next").Dot("FamilyID"), jen.Id("next").Dot("UserID")).Op("=").List(jen.Id("r").Dot("FamilyID"), jen.Id("r").Dot("UserID")),
		jen.Id("s").Dot("tokens").Index(jen.Id("next").Dot("Digest")).Op("=").Id("next"),
		jen.Return(jen.Id("next"), jen.Nil()),
	)
	method("RefreshByDigest implements refresh.Store.", "RefreshByDigest", []jen.Code{ctx, jen.Id("digest").String()}, []jen.Code{rec, jen.Error()},
		jen.List(jen.Id("r"), jen.Id("ok")).Op(":=").Id("s").Dot("tokens").Index(jen.Id("digest")),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return(rec.Clone().Values(), jen.Qual(pkgRefresh, "ErrNotFound"))),
		jen.Return(jen.Id("r"), jen.Nil()),
	)
	method("RevokeUserRefresh implements Store.", "RevokeUserRefresh",
		[]jen.Code{ctx, jen.Id("userID").String(), jen.Id("now").Qual(pkgTime, "Time")}, []jen.Code{jen.Error()},
		jen.Id("s").Dot("revoke").Call(jen.Id("now"), jen.Func().Params(jen.Id("r").Qual(pkgRefresh, "Record")).Bool().Block(jen.Return(jen.Id("r").Dot("UserID").Op("==").Id("userID")))),
		jen.Return(jen.Nil()),
	)
	method("DeleteExpiredRefresh implements Store.", "DeleteExpiredRefresh",
		[]jen.Code{ctx, jen.Id("before").Qual(pkgTime, "Time")}, []jen.Code{jen.Int64(), jen.Error()},
		jen.Var().Id("n").Int64(),
		jen.For(jen.List(jen.Id("digest"), jen.Id("r")).Op(":=").Range().Id("s").Dot("tokens")).Block(
			jen.If(jen.Op("!").Id("r").Dot("ExpiresAt").Dot("After").Call(jen.Id("before"))).Block(
				jen.Id("delete").Call(jen.Id("s").Dot("tokens"), jen.Id("digest")),
				jen.Id("n").Op("++"),
			),
		),
		jen.Return(jen.Id("n"), jen.Nil()),
	)
	method("RevokeRefreshFamily implements refresh.Store.", "RevokeRefreshFamily",
		[]jen.Code{ctx, jen.Id("family").String(), jen.Id("now").Qual(pkgTime, "Time")}, []jen.Code{jen.Error()},
		jen.Id("s").Dot("revoke").Call(jen.Id("now"), jen.Func().Params(jen.Id("r").Qual(pkgRefresh, "Record")).Bool().Block(jen.Return(jen.Id("r").Dot("FamilyID").Op("==").Id("family")))),
		jen.Return(jen.Nil()),
	)
	memorySessionMethods(m, method)
	memoryAPITokenMethods(m, method)
	memoryReauthenticate(method)
	memoryMFAMethods(m, method)
	memoryMFAHelpers(f, m)
	memoryMailMethods(f, m, method)
	if unique {
		emitUniqueKeys(f, m)
	}
	f.Comment("revoke marks revoked at now the live records that match; the caller holds s.mu.")
	f.Func().Params(jen.Id("s").Op("*").Id("MemoryStore")).Id("revoke").Params(jen.Id("now").Qual(pkgTime, "Time"), jen.Id("match").Func().Params(jen.Qual(pkgRefresh, "Record")).Bool()).Block(
		jen.For(jen.List(jen.Id("digest"), jen.Id("r")).Op(":=").Range().Id("s").Dot("tokens")).Block(
			jen.If(jen.Id("r").Dot("RevokedAt").Op("==").Nil().Op("&&").Id("match").Call(jen.Id("r"))).Block(
				jen.Id("r").Dot("RevokedAt").Op("=").Op("&").Id("now"),
				jen.Id("s").Dot("tokens").Index(jen.Id("digest")).Op("=").Id("r"),
			),
		),
	)
}

// emitUniqueKeys renders uniqueKeys, the values of a user's unique fields
// as MemoryStore indexes them.
func emitUniqueKeys(f *jen.File, m *Model) {
	f.Comment("uniqueKey is a value of a unique field, as MemoryStore indexes it.")
	f.Type().Id("uniqueKey").Struct(jen.List(jen.Id("field"), jen.Id("key")).String())
	f.Line()
	f.Comment("uniqueKeys are u's values of its unique fields, each with its field's name;")
	f.Comment("strings are folded (see foldKey), so that letter case makes no second value.")
	body := []jen.Code{jen.Var().Id("keys").Index().Id("uniqueKey")}
	for _, uf := range m.UniqueFields() {
		v := jen.Id("u").Dot(uf.GoName())
		if !uf.Required {
			v = jen.Op("*").Add(v)
		}
		var text jen.Code
		switch uf.Type {
		case FieldString:
			text = jen.Id("foldKey").Call(v)
		case FieldInt:
			text = jen.Qual("strconv", "FormatInt").Call(v, jen.Lit(10))
		default:
			text = jen.Add(v).Dot("UTC").Call().Dot("Format").Call(jen.Qual(pkgTime, "RFC3339Nano"))
		}
		add := jen.Id("keys").Op("=").Append(jen.Id("keys"), jen.Id("uniqueKey").Values(jen.Lit(uf.Name), jen.Lit(uf.Name+":").Op("+").Add(text)))
		if !uf.Required {
			add = jen.If(jen.Id("u").Dot(uf.GoName()).Op("!=").Nil()).Block(add)
		}
		body = append(body, add)
	}
	f.Func().Id("uniqueKeys").Params(jen.Id("u").Id("User")).Index().Id("uniqueKey").Block(append(body, jen.Return(jen.Id("keys")))...)
	f.Line()
}

func (memoryStorage) Open(m *Model) ([]jen.Code, jen.Code) {
	return []jen.Code{
		jen.Id("store").Op(":=").Id("NewMemoryStore").Call(),
		jen.Qual("log/slog", "Warn").Call(jen.Lit("auth: memory store: every user and session is lost when the process exits")),
	}, nil
}

func (memoryStorage) TestStore(f *jen.File, m *Model) {
	f.Func().Id("newTestStore").Params(jen.Id("_").Qual(pkgTesting, "TB")).Id("Store").Block(
		jen.Return(jen.Id("NewMemoryStore").Call()),
	)
}
