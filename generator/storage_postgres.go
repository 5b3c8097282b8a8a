package generator

import "github.com/dave/jennifer/jen"

func init() { registerStorage(postgresStorage{}) }

const (
	pkgPgx     = "github.com/jackc/pgx/v5"
	pkgPgxPool = "github.com/jackc/pgx/v5/pgxpool"
	pkgPgConn  = "github.com/jackc/pgx/v5/pgconn"
)

// postgresStorage keeps users and refresh tokens in PostgreSQL through a
// pgx connection pool, for services that run several instances.
type postgresStorage struct{}

func (postgresStorage) Name() string { return "postgres" }

func (postgresStorage) Describe() string {
	return "PostgreSQL via jackc/pgx/v5: a server, shared by many instances"
}

func (postgresStorage) Requires() []Module { return []Module{{"github.com/jackc/pgx/v5", "v5.12.0"}} }

func (postgresStorage) ImportNames() map[string]string {
	return map[string]string{pkgPgx: "pgx", pkgPgxPool: "pgxpool", pkgPgConn: "pgconn"}
}

func (postgresStorage) Env() []EnvVar {
	return []EnvVar{{"AUTH_DATABASE_URL", "", "PostgreSQL connection URL, e.g. postgres://user:pass@localhost:5432/app (required)"}}
}

func (postgresStorage) Dialect() string { return "postgres" }

func (postgresStorage) Store(f *jen.File, m *Model) {
	s := postgresQueries(m)
	recv := s.recv()

	f.Comment("//go:embed migrations/postgres/*.sql")
	f.Var().Id("postgresMigrations").Qual("embed", "FS")
	f.Line()
	f.Comment("migrationLock is the advisory-lock key that serialises migrations when")
	f.Comment("several instances start at once.")
	f.Const().Id("migrationLock").Op("=").Lit(0x6175746867656e) // "authgen"
	f.Line()
	f.Comment("PostgresStore keeps users and refresh tokens in PostgreSQL.")
	f.Type().Id("PostgresStore").Struct(jen.Id("pool").Op("*").Qual(pkgPgxPool, "Pool"))
	f.Line()
	f.Comment("OpenPostgres connects to the database at url and applies the migrations.")
	f.Func().Id("OpenPostgres").Params(ctxParam(), jen.Id("url").String()).Params(jen.Op("*").Id("PostgresStore"), jen.Error()).Block(
		jen.If(jen.Id("url").Op("==").Lit("")).Block(
			jen.Return(jen.Nil(), jen.Qual(pkgErrors, "New").Call(jen.Lit("AUTH_DATABASE_URL is not set: give the PostgreSQL URL, e.g. postgres://user:pass@localhost:5432/app"))),
		),
		jen.List(jen.Id("pool"), jen.Err()).Op(":=").Qual(pkgPgxPool, "New").Call(jen.Id("ctx"), jen.Id("url")),
		ifErrReturn(jen.Nil(), jen.Err()),
		jen.Id("s").Op(":=").Op("&").Id("PostgresStore").Values(jen.Dict{jen.Id("pool"): jen.Id("pool")}),
		jen.If(jen.Err().Op(":=").Id("s").Dot("Migrate").Call(jen.Id("ctx")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("pool").Dot("Close").Call(),
			jen.Return(jen.Nil(), jen.Err()),
		),
		jen.Return(jen.Id("s"), jen.Nil()),
	)
	f.Line()
	f.Comment("Close closes the connection pool.")
	f.Func().Add(recv).Id("Close").Params().Error().Block(jen.Id("s").Dot("pool").Dot("Close").Call(), jen.Return(jen.Nil()))
	f.Line()
	f.Comment("Migrate applies the migrations in migrations/postgres that the database has")
	f.Comment("not recorded, each in its own transaction, holding an advisory lock so that")
	f.Comment("instances starting together take turns. It runs at every start.")
	f.Func().Add(recv).Id("Migrate").Params(ctxParam()).Error().Block(
		jen.List(jen.Id("conn"), jen.Err()).Op(":=").Id("s").Dot("pool").Dot("Acquire").Call(jen.Id("ctx")),
		ifErrReturn(jen.Err()),
		jen.Defer().Id("conn").Dot("Release").Call(),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("conn").Dot("Exec").Call(jen.Id("ctx"), jen.Lit("SELECT pg_advisory_lock($1)"), jen.Id("migrationLock")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Defer().Id("conn").Dot("Exec").Call(jen.Qual(pkgContext, "WithoutCancel").Call(jen.Id("ctx")), jen.Lit("SELECT pg_advisory_unlock($1)"), jen.Id("migrationLock")),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("conn").Dot("Exec").Call(jen.Id("ctx"),
			jen.Lit("CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.List(jen.Id("names"), jen.Err()).Op(":=").Qual("io/fs", "Glob").Call(jen.Id("postgresMigrations"), jen.Lit("migrations/postgres/*.up.sql")),
		ifErrReturn(jen.Err()),
		jen.Var().Id("recorded").String(),
		jen.If(jen.Err().Op(":=").Id("conn").Dot("QueryRow").Call(jen.Id("ctx"), jen.Lit("SELECT coalesce(string_agg(version, ' '), '') FROM schema_migrations")).Dot("Scan").Call(jen.Op("&").Id("recorded")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		refuseNewerCall(),
		jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Id("names")).Block(
			jen.If(jen.Err().Op(":=").Id("migrate").Call(jen.Id("ctx"), jen.Id("conn").Dot("Conn").Call(), jen.Id("name")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("migrate %s: %w"), jen.Id("name"), jen.Err())),
			),
		),
		s.migrated(),
	)
	f.Line()
	f.Func().Id("migrate").Params(ctxParam(), jen.Id("conn").Op("*").Qual(pkgPgx, "Conn"), jen.Id("name").String()).Error().Block(
		jen.Id("version").Op(":=").Qual("strings", "TrimSuffix").Call(jen.Qual("path", "Base").Call(jen.Id("name")), jen.Lit(".up.sql")),
		jen.List(jen.Id("tx"), jen.Err()).Op(":=").Id("conn").Dot("Begin").Call(jen.Id("ctx")),
		ifErrReturn(jen.Err()),
		jen.Defer().Id("tx").Dot("Rollback").Call(jen.Id("ctx")),
		jen.Var().Id("applied").Bool(),
		jen.Err().Op("=").Id("tx").Dot("QueryRow").Call(jen.Id("ctx"), jen.Lit("SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)"), jen.Id("version")).Dot("Scan").Call(jen.Op("&").Id("applied")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("applied")).Block(jen.Return(jen.Err())),
		jen.List(jen.Id("script"), jen.Err()).Op(":=").Id("postgresMigrations").Dot("ReadFile").Call(jen.Id("name")),
		ifErrReturn(jen.Err()),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("tx").Dot("Exec").Call(jen.Id("ctx"), jen.String().Call(jen.Id("script"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("tx").Dot("Exec").Call(jen.Id("ctx"), jen.Lit("INSERT INTO schema_migrations (version) VALUES ($1)"), jen.Id("version")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Id("tx").Dot("Commit").Call(jen.Id("ctx"))),
	)
	f.Line()
	emitRefuseNewer(f)
	s.emitQueries(f)
}

// postgresQueries is the SQL dialect of pgx: $n parameters, timestamptz
// columns, and the SQLSTATE 23505 of a unique violation.
func postgresQueries(m *Model) sqlStore {
	return sqlStore{
		m: m, typ: "PostgresStore", handle: "pool", foldCase: true,
		lockUser: func(mode string) string { return "SELECT 1 FROM users WHERE id = $1 " + mode },
		exec:     "Exec", query: "Query", queryRow: "QueryRow", txEndArgs: []jen.Code{jen.Id("ctx")},
		begin:        func() *jen.Statement { return jen.Id("s").Dot("pool").Dot("Begin").Call(jen.Id("ctx")) },
		execer:       jen.Id("Exec").Params(ctxParam(), jen.Id("sql").String(), jen.Id("args").Op("...").Any()).Params(jen.Qual(pkgPgConn, "CommandTag"), jen.Error()),
		param:        func(n int) string { return "$" + itoa(n) },
		noRows:       jen.Qual(pkgPgx, "ErrNoRows"),
		timeArg:      func(v *jen.Statement) *jen.Statement { return v },
		timeType:     func() *jen.Statement { return jen.Qual(pkgTime, "Time") },
		nullTimeType: func() *jen.Statement { return jen.Op("*").Qual(pkgTime, "Time") },
		timeOf:       func(v *jen.Statement) *jen.Statement { return v.Clone().Dot("UTC").Call() },
		nullTimeOf:   func(v *jen.Statement) *jen.Statement { return v },
		uniqueViolation: func(then jen.Code) []jen.Code {
			return []jen.Code{
				jen.Var().Id("e").Op("*").Qual(pkgPgConn, "PgError"),
				jen.If(jen.Qual(pkgErrors, "As").Call(jen.Err(), jen.Op("&").Id("e")).Op("&&").Id("e").Dot("Code").Op("==").Lit("23505")).Block(then),
			}
		},
		fieldArg:  func(f UserField, v *jen.Statement) jen.Code { return v }, // pgx passes a nil pointer as NULL
		fieldScan: func(f UserField) *jen.Statement { return jen.Op("*").Add(f.valueType()) },
		fieldFrom: func(f UserField, v, dst *jen.Statement) jen.Code {
			value := jen.Op("*").Add(v)
			if f.Type == FieldTime {
				value = v.Clone().Dot("UTC").Call()
			}
			if f.Required {
				return jen.If(v.Clone().Op("!=").Nil()).Block(dst.Clone().Op("=").Add(value))
			}
			if f.Type == FieldTime {
				return jen.If(v.Clone().Op("!=").Nil()).Block(jen.Id("t").Op(":=").Add(value), dst.Clone().Op("=").Op("&").Id("t"))
			}
			return dst.Clone().Op("=").Add(v)
		},
		rowsAffected: func() []jen.Code { return []jen.Code{jen.Return(jen.Id("res").Dot("RowsAffected").Call(), jen.Nil())} },
	}
}

func (postgresStorage) Open(m *Model) ([]jen.Code, jen.Code) {
	return []jen.Code{
		jen.List(jen.Id("store"), jen.Err()).Op(":=").Id("OpenPostgres").Call(jen.Id("ctx"), jen.Qual("os", "Getenv").Call(jen.Lit("AUTH_DATABASE_URL"))),
		ifErrReturn(jen.Nil(), jen.Err()),
	}, jen.Id("store").Dot("Close")
}

func (postgresStorage) TestStore(f *jen.File, m *Model) {
	f.Func().Id("newTestStore").Params(jen.Id("t").Qual(pkgTesting, "TB")).Id("Store").Block(
		jen.Id("t").Dot("Helper").Call(),
		jen.Id("dsn").Op(":=").Qual("os", "Getenv").Call(jen.Lit("AUTH_TEST_DATABASE_URL")),
		jen.If(jen.Id("dsn").Op("==").Lit("")).Block(
			jen.Id("t").Dot("Skip").Call(jen.Lit("AUTH_TEST_DATABASE_URL is not set: these tests need a PostgreSQL server")),
		),
		jen.Comment("Each test gets a schema of its own, dropped when it ends."),
		jen.Id("ctx").Op(":=").Qual(pkgContext, "Background").Call(),
		jen.Id("schema").Op(":=").Qual("fmt", "Sprintf").Call(jen.Lit("auth_test_%d"), jen.Qual("time", "Now").Call().Dot("UnixNano").Call()),
		jen.List(jen.Id("admin"), jen.Err()).Op(":=").Qual(pkgPgx, "Connect").Call(jen.Id("ctx"), jen.Id("dsn")),
		ifErr(jen.Id("t").Dot("Fatal").Call(jen.Err())),
		jen.Defer().Id("admin").Dot("Close").Call(jen.Id("ctx")),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("admin").Dot("Exec").Call(jen.Id("ctx"), jen.Lit("CREATE SCHEMA ").Op("+").Id("schema")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("t").Dot("Fatal").Call(jen.Err()),
		),
		jen.List(jen.Id("u"), jen.Err()).Op(":=").Qual("net/url", "Parse").Call(jen.Id("dsn")),
		ifErr(jen.Id("t").Dot("Fatal").Call(jen.Err())),
		jen.Id("q").Op(":=").Id("u").Dot("Query").Call(),
		jen.Id("q").Dot("Set").Call(jen.Lit("search_path"), jen.Id("schema")),
		jen.Id("u").Dot("RawQuery").Op("=").Id("q").Dot("Encode").Call(),
		jen.List(jen.Id("s"), jen.Err()).Op(":=").Id("OpenPostgres").Call(jen.Id("ctx"), jen.Id("u").Dot("String").Call()),
		ifErr(jen.Id("t").Dot("Fatal").Call(jen.Err())),
		jen.Id("t").Dot("Cleanup").Call(jen.Func().Params().Block(
			jen.Id("s").Dot("Close").Call(),
			jen.If(jen.List(jen.Id("admin"), jen.Err()).Op(":=").Qual(pkgPgx, "Connect").Call(jen.Id("ctx"), jen.Id("dsn")), jen.Err().Op("==").Nil()).Block(
				jen.Id("admin").Dot("Exec").Call(jen.Id("ctx"), jen.Lit("DROP SCHEMA ").Op("+").Id("schema").Op("+").Lit(" CASCADE")),
				jen.Id("admin").Dot("Close").Call(jen.Id("ctx")),
			),
		)),
		jen.Return(jen.Id("s")),
	)
}
