package generator

import (
	"slices"

	"github.com/dave/jennifer/jen"
)

func init() { registerStorage(sqliteStorage{}) }

const (
	pkgSQL       = "database/sql"
	pkgSQLite    = "modernc.org/sqlite"
	pkgSQLiteLib = "modernc.org/sqlite/lib"
)

// sqliteStorage keeps users and refresh tokens in one SQLite file through
// modernc.org/sqlite (pure Go, no cgo).
type sqliteStorage struct{}

func (sqliteStorage) Name() string { return "sqlite" }

func (sqliteStorage) Describe() string {
	return "SQLite file via modernc.org/sqlite: no cgo, no server, one instance"
}

func (sqliteStorage) Requires() []Module {
	return []Module{{"modernc.org/sqlite", "v1.61.1"}}
}

func (sqliteStorage) ImportNames() map[string]string {
	return map[string]string{pkgSQLiteLib: "sqlite3", pkgSQLite: "sqlite"}
}

func (sqliteStorage) Env() []EnvVar {
	return []EnvVar{{"AUTH_DATABASE_PATH", "auth.db", "path of the SQLite database file, created if missing"}}
}

func (sqliteStorage) Dialect() string { return "sqlite" }

func (sqliteStorage) Store(f *jen.File, m *Model) {
	recv := sqliteQueries(m).recv()

	f.Comment("//go:embed migrations/sqlite/*.sql")
	f.Var().Id("sqliteMigrations").Qual("embed", "FS")
	f.Line()
	f.Comment("SQLiteStore keeps users and refresh tokens in a SQLite database. Times are")
	f.Comment("stored as Unix milliseconds.")
	f.Type().Id("SQLiteStore").Struct(jen.Id("db").Op("*").Qual(pkgSQL, "DB"))
	f.Line()
	f.Comment("OpenSQLite opens the SQLite database at path, creating it if needed, and")
	f.Comment("applies the migrations. Transactions take the write lock when they begin,")
	f.Comment("so that concurrent rotations queue instead of failing.")
	f.Func().Id("OpenSQLite").Params(ctxParam(), jen.Id("path").String()).Params(jen.Op("*").Id("SQLiteStore"), jen.Error()).Block(
		jen.Id("dsn").Op(":=").Lit("file:").Op("+").Id("path").Op("+").Lit("?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(ON)&_txlock=immediate"),
		jen.List(jen.Id("db"), jen.Err()).Op(":=").Qual(pkgSQL, "Open").Call(jen.Lit("sqlite"), jen.Id("dsn")),
		ifErrReturn(jen.Nil(), jen.Err()),
		jen.Comment("database/sql keeps two idle connections by default: after a burst it"),
		jen.Comment("would close the rest, and every new connection parses the schema again."),
		jen.Id("db").Dot("SetMaxIdleConns").Call(jen.Lit(16)),
		jen.Id("s").Op(":=").Op("&").Id("SQLiteStore").Values(jen.Dict{jen.Id("db"): jen.Id("db")}),
		jen.If(jen.Err().Op(":=").Id("s").Dot("Migrate").Call(jen.Id("ctx")), jen.Err().Op("!=").Nil()).Block(
			jen.Id("db").Dot("Close").Call(),
			jen.Return(jen.Nil(), jen.Err()),
		),
		jen.Return(jen.Id("s"), jen.Nil()),
	)
	f.Line()
	f.Comment("Close closes the database.")
	f.Func().Add(recv).Id("Close").Params().Error().Block(jen.Return(jen.Id("s").Dot("db").Dot("Close").Call()))
	f.Line()
	f.Comment("Migrate applies, each in its own transaction, the migrations in")
	f.Comment("migrations/sqlite that the database has not recorded. It runs at every start.")
	f.Func().Add(recv).Id("Migrate").Params(ctxParam()).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("db").Dot("ExecContext").Call(jen.Id("ctx"),
			jen.Lit("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")),
		ifErrReturn(jen.Err()),
		jen.List(jen.Id("names"), jen.Err()).Op(":=").Qual("io/fs", "Glob").Call(jen.Id("sqliteMigrations"), jen.Lit("migrations/sqlite/*.up.sql")),
		ifErrReturn(jen.Err()),
		jen.Var().Id("recorded").String(),
		jen.If(jen.Err().Op(":=").Id("s").Dot("db").Dot("QueryRowContext").Call(jen.Id("ctx"), jen.Lit("SELECT coalesce(group_concat(version, ' '), '') FROM schema_migrations")).Dot("Scan").Call(jen.Op("&").Id("recorded")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		refuseNewerCall(),
		jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Id("names")).Block(
			jen.If(jen.Err().Op(":=").Id("s").Dot("migrate").Call(jen.Id("ctx"), jen.Id("name")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("migrate %s: %w"), jen.Id("name"), jen.Err())),
			),
		),
		sqliteQueries(m).migrated(),
	)
	f.Line()
	f.Func().Add(recv).Id("migrate").Params(ctxParam(), jen.Id("name").String()).Error().Block(
		jen.Id("version").Op(":=").Qual("strings", "TrimSuffix").Call(jen.Qual("path", "Base").Call(jen.Id("name")), jen.Lit(".up.sql")),
		jen.List(jen.Id("tx"), jen.Err()).Op(":=").Id("s").Dot("db").Dot("BeginTx").Call(jen.Id("ctx"), jen.Nil()),
		ifErrReturn(jen.Err()),
		jen.Defer().Id("tx").Dot("Rollback").Call(),
		jen.Var().Id("applied").Int(),
		jen.Err().Op("=").Id("tx").Dot("QueryRowContext").Call(jen.Id("ctx"), jen.Lit("SELECT count(*) FROM schema_migrations WHERE version = ?"), jen.Id("version")).Dot("Scan").Call(jen.Op("&").Id("applied")),
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("applied").Op(">").Lit(0)).Block(jen.Return(jen.Err())),
		jen.List(jen.Id("script"), jen.Err()).Op(":=").Id("sqliteMigrations").Dot("ReadFile").Call(jen.Id("name")),
		ifErrReturn(jen.Err()),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("tx").Dot("ExecContext").Call(jen.Id("ctx"), jen.String().Call(jen.Id("script"))), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("tx").Dot("ExecContext").Call(jen.Id("ctx"),
			jen.Lit("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), jen.Id("version"), jen.Qual(pkgTime, "Now").Call().Dot("UnixMilli").Call()),
			jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Id("tx").Dot("Commit").Call()),
	)
	f.Line()

	f.Func().Id("optionalTime").Params(jen.Id("ms").Qual(pkgSQL, "NullInt64")).Op("*").Qual(pkgTime, "Time").Block(
		jen.If(jen.Op("!").Id("ms").Dot("Valid")).Block(jen.Return(jen.Nil())),
		jen.Id("t").Op(":=").Qual(pkgTime, "UnixMilli").Call(jen.Id("ms").Dot("Int64")).Dot("UTC").Call(),
		jen.Return(jen.Op("&").Id("t")),
	)
	f.Line()
	emitRefuseNewer(f)
	if slices.ContainsFunc(m.UserFields, func(uf UserField) bool { return !uf.Required && uf.Type == FieldTime }) {
		f.Comment("optionalMillis is an optional time as the store keeps it: Unix")
		f.Comment("milliseconds, or NULL.")
		f.Func().Id("optionalMillis").Params(jen.Id("t").Op("*").Qual(pkgTime, "Time")).Any().Block(
			jen.If(jen.Id("t").Op("==").Nil()).Block(jen.Return(jen.Nil())),
			jen.Return(jen.Id("t").Dot("UnixMilli").Call()),
		)
		f.Line()
	}
	sqliteQueries(m).emitQueries(f)
}

// sqliteQueries is the SQL dialect of database/sql over modernc.org/sqlite:
// ? parameters and times as Unix milliseconds.
func sqliteQueries(m *Model) sqlStore {
	return sqlStore{
		m: m, typ: "SQLiteStore", handle: "db",
		exec: "ExecContext", query: "QueryContext", queryRow: "QueryRowContext",
		begin:        func() *jen.Statement { return jen.Id("s").Dot("db").Dot("BeginTx").Call(jen.Id("ctx"), jen.Nil()) },
		execer:       jen.Id("ExecContext").Params(ctxParam(), jen.Id("query").String(), jen.Id("args").Op("...").Any()).Params(jen.Qual(pkgSQL, "Result"), jen.Error()),
		param:        func(int) string { return "?" },
		noRows:       jen.Qual(pkgSQL, "ErrNoRows"),
		timeArg:      func(v *jen.Statement) *jen.Statement { return v.Clone().Dot("UnixMilli").Call() },
		timeType:     func() *jen.Statement { return jen.Int64() },
		nullTimeType: func() *jen.Statement { return jen.Qual(pkgSQL, "NullInt64") },
		timeOf: func(v *jen.Statement) *jen.Statement {
			return jen.Qual(pkgTime, "UnixMilli").Call(v).Dot("UTC").Call()
		},
		nullTimeOf: func(v *jen.Statement) *jen.Statement { return jen.Id("optionalTime").Call(v) },
		uniqueViolation: func(then jen.Code) []jen.Code {
			return []jen.Code{
				jen.Var().Id("e").Op("*").Qual(pkgSQLite, "Error"),
				jen.If(jen.Qual(pkgErrors, "As").Call(jen.Err(), jen.Op("&").Id("e")).Op("&&").Id("e").Dot("Code").Call().Op("==").Qual(pkgSQLiteLib, "SQLITE_CONSTRAINT_UNIQUE")).Block(then),
			}
		},
		fieldArg: func(f UserField, v *jen.Statement) jen.Code {
			switch {
			case f.Type == FieldTime && f.Required:
				return v.Clone().Dot("UnixMilli").Call()
			case f.Type == FieldTime:
				return jen.Id("optionalMillis").Call(v)
			}
			return v // database/sql passes a nil pointer as NULL
		},
		fieldScan: func(f UserField) *jen.Statement {
			return jen.Qual(pkgSQL, map[FieldType]string{FieldString: "NullString", FieldInt: "NullInt64", FieldBool: "NullBool", FieldTime: "NullInt64"}[f.Type])
		},
		fieldFrom: func(f UserField, v, dst *jen.Statement) jen.Code {
			value := v.Clone().Dot(map[FieldType]string{FieldString: "String", FieldInt: "Int64", FieldBool: "Bool", FieldTime: "Int64"}[f.Type])
			switch {
			case f.Type == FieldTime && f.Required:
				return jen.If(v.Clone().Dot("Valid")).Block(dst.Clone().Op("=").Qual(pkgTime, "UnixMilli").Call(value).Dot("UTC").Call())
			case f.Type == FieldTime:
				return dst.Clone().Op("=").Id("optionalTime").Call(v)
			case f.Required:
				return dst.Clone().Op("=").Add(value)
			}
			return jen.If(v.Clone().Dot("Valid")).Block(dst.Clone().Op("=").Op("&").Add(value))
		},
		rowsAffected: func() []jen.Code { return []jen.Code{jen.Return(jen.Id("res").Dot("RowsAffected").Call())} },
	}
}

func (sqliteStorage) Open(m *Model) ([]jen.Code, jen.Code) {
	return []jen.Code{
		jen.List(jen.Id("store"), jen.Err()).Op(":=").Id("OpenSQLite").Call(jen.Id("ctx"), jen.Id("envOr").Call(jen.Lit("AUTH_DATABASE_PATH"), jen.Lit("auth.db"))),
		ifErrReturn(jen.Nil(), jen.Err()),
	}, jen.Id("store").Dot("Close")
}

func (sqliteStorage) TestStore(f *jen.File, m *Model) {
	f.Func().Id("newTestStore").Params(jen.Id("t").Qual(pkgTesting, "TB")).Id("Store").Block(
		jen.Id("t").Dot("Helper").Call(),
		jen.List(jen.Id("s"), jen.Err()).Op(":=").Id("OpenSQLite").Call(jen.Qual(pkgContext, "Background").Call(), jen.Qual("path/filepath", "Join").Call(jen.Id("t").Dot("TempDir").Call(), jen.Lit("auth.db"))),
		ifErr(jen.Id("t").Dot("Fatal").Call(jen.Err())),
		jen.Id("t").Dot("Cleanup").Call(jen.Func().Params().Block(jen.Id("s").Dot("Close").Call())),
		jen.Return(jen.Id("s")),
	)
}
