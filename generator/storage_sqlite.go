package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/authgen/authgen/templates"
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

func (sqliteStorage) Env() []EnvVar {
	return []EnvVar{{"AUTH_DATABASE_PATH", "auth.db", "path of the SQLite database file, created if missing"}}
}

var sqliteMigrations = []string{"0001_init.up.sql", "0001_init.down.sql"}

func (sqliteStorage) Assets(m *Model) ([]File, error) {
	var files []File
	for _, name := range sqliteMigrations {
		data, err := templates.Render(name+".tmpl", m)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		files = append(files, File{Path: m.Package + "/migrations/sqlite/" + name, Owner: Generated, Data: data})
	}
	return files, nil
}

// sqliteUserColumns is the column list every user query selects, in the
// order scanUser reads.
func sqliteUserColumns(m *Model) string {
	return "id, " + m.IdentityJSON + ", password_hash, active, created_at"
}

const sqliteRefreshColumns = "digest, family_id, user_id, issued_at, expires_at, revoked_at, replaced_at, user_agent, client_addr"

func (sqliteStorage) Store(f *jen.File, m *Model) {
	f.ImportNames(map[string]string{pkgSQLiteLib: "sqlite3", pkgSQLite: "sqlite"})
	rec := func() *jen.Statement { return jen.Qual(pkgRefresh, "Record") }
	recv := jen.Params(jen.Id("s").Op("*").Id("SQLiteStore"))

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
		jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Id("names")).Block(
			jen.If(jen.Err().Op(":=").Id("s").Dot("migrate").Call(jen.Id("ctx"), jen.Id("name")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("migrate %s: %w"), jen.Id("name"), jen.Err())),
			),
		),
		jen.Return(jen.Nil()),
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

	// Users.
	f.Comment("CreateUser implements Store.")
	f.Func().Add(recv).Id("CreateUser").Params(ctxParam(), jen.Id("u").Id("User")).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("db").Dot("ExecContext").Call(jen.Id("ctx"),
			jen.Lit("INSERT INTO users ("+sqliteUserColumns(m)+") VALUES (?, ?, ?, ?, ?)"),
			jen.Id("u").Dot("ID"), jen.Id("u").Dot(m.IdentityField), jen.Id("u").Dot("PasswordHash"), jen.Id("u").Dot("Active"), jen.Id("u").Dot("CreatedAt").Dot("UnixMilli").Call()),
		jen.Var().Id("e").Op("*").Qual(pkgSQLite, "Error"),
		jen.If(jen.Qual(pkgErrors, "As").Call(jen.Err(), jen.Op("&").Id("e")).Op("&&").Id("e").Dot("Code").Call().Op("==").Qual(pkgSQLiteLib, "SQLITE_CONSTRAINT_UNIQUE")).Block(
			jen.Return(jen.Id("ErrDuplicate")),
		),
		jen.Return(jen.Err()),
	)
	f.Line()
	for _, q := range []struct{ name, param, where string }{
		{m.userByIdentity(), m.IdentityJSON, m.IdentityJSON},
		{"UserByID", "id", "id"},
	} {
		f.Comment(q.name + " implements Store.")
		f.Func().Add(recv).Id(q.name).Params(ctxParam(), jen.Id(q.param).String()).Params(jen.Id("User"), jen.Error()).Block(
			jen.Return(jen.Id("scanUser").Call(jen.Id("s").Dot("db").Dot("QueryRowContext").Call(jen.Id("ctx"),
				jen.Lit("SELECT "+sqliteUserColumns(m)+" FROM users WHERE "+q.where+" = ?"), jen.Id(q.param)))),
		)
		f.Line()
	}
	f.Func().Id("scanUser").Params(jen.Id("row").Op("*").Qual(pkgSQL, "Row")).Params(jen.Id("User"), jen.Error()).Block(
		jen.Var().Id("u").Id("User"),
		jen.Var().Id("created").Int64(),
		jen.Err().Op(":=").Id("row").Dot("Scan").Call(jen.Op("&").Id("u").Dot("ID"), jen.Op("&").Id("u").Dot(m.IdentityField), jen.Op("&").Id("u").Dot("PasswordHash"), jen.Op("&").Id("u").Dot("Active"), jen.Op("&").Id("created")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgSQL, "ErrNoRows"))).Block(jen.Return(jen.Id("User").Values(), jen.Id("ErrNotFound"))),
		jen.Id("u").Dot("CreatedAt").Op("=").Qual(pkgTime, "UnixMilli").Call(jen.Id("created")).Dot("UTC").Call(),
		jen.Return(jen.Id("u"), jen.Err()),
	)
	f.Line()
	f.Comment("SetPasswordHash implements Store.")
	f.Func().Add(recv).Id("SetPasswordHash").Params(ctxParam(), jen.List(jen.Id("id"), jen.Id("hash")).String()).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("db").Dot("ExecContext").Call(jen.Id("ctx"), jen.Lit("UPDATE users SET password_hash = ? WHERE id = ?"), jen.Id("hash"), jen.Id("id")),
		jen.Return(jen.Err()),
	)
	f.Line()

	// Refresh tokens.
	f.Comment("InsertRefresh implements refresh.Store.")
	f.Func().Add(recv).Id("InsertRefresh").Params(ctxParam(), jen.Id("r").Add(rec())).Error().Block(
		jen.Return(jen.Id("insertRefresh").Call(jen.Id("ctx"), jen.Id("s").Dot("db"), jen.Id("r"))),
	)
	f.Line()
	f.Comment("execer is what *sql.DB and *sql.Tx share.")
	f.Type().Id("execer").Interface(
		jen.Id("ExecContext").Params(ctxParam(), jen.Id("query").String(), jen.Id("args").Op("...").Any()).Params(jen.Qual(pkgSQL, "Result"), jen.Error()),
	)
	f.Line()
	f.Func().Id("insertRefresh").Params(ctxParam(), jen.Id("db").Id("execer"), jen.Id("r").Add(rec())).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("db").Dot("ExecContext").Call(jen.Id("ctx"),
			jen.Lit("INSERT INTO refresh_tokens (digest, family_id, user_id, issued_at, expires_at, user_agent, client_addr) VALUES (?, ?, ?, ?, ?, ?, ?)"),
			jen.Id("r").Dot("Digest"), jen.Id("r").Dot("FamilyID"), jen.Id("r").Dot("UserID"),
			jen.Id("r").Dot("IssuedAt").Dot("UnixMilli").Call(), jen.Id("r").Dot("ExpiresAt").Dot("UnixMilli").Call(),
			jen.Id("r").Dot("UserAgent"), jen.Id("r").Dot("ClientAddr")),
		jen.Return(jen.Err()),
	)
	f.Line()
	f.Comment("RotateRefresh implements refresh.Store. The conditional UPDATE is the whole")
	f.Comment("race: of concurrent rotations of one token, exactly one matches a live row.")
	f.Func().Add(recv).Id("RotateRefresh").Params(ctxParam(), jen.Id("old").String(), jen.Id("next").Add(rec()), jen.Id("now").Qual(pkgTime, "Time")).Params(rec(), jen.Error()).Block(
		jen.List(jen.Id("tx"), jen.Err()).Op(":=").Id("s").Dot("db").Dot("BeginTx").Call(jen.Id("ctx"), jen.Nil()),
		ifErrReturn(rec().Values(), jen.Err()),
		jen.Defer().Id("tx").Dot("Rollback").Call(),
		jen.Err().Op("=").Id("tx").Dot("QueryRowContext").Call(jen.Id("ctx"),
			jen.Lit("UPDATE refresh_tokens SET replaced_at = ? WHERE digest = ? AND replaced_at IS NULL AND revoked_at IS NULL AND expires_at > ? RETURNING family_id, user_id"),
			jen.Id("now").Dot("UnixMilli").Call(), jen.Id("old"), jen.Id("now").Dot("UnixMilli").Call()).Dot("Scan").Call(jen.Op("&").Id("next").Dot("FamilyID"), jen.Op("&").Id("next").Dot("UserID")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgSQL, "ErrNoRows"))).Block(jen.Return(rec().Values(), jen.Qual(pkgRefresh, "ErrNotFound"))),
		ifErrReturn(rec().Values(), jen.Err()),
		jen.If(jen.Err().Op(":=").Id("insertRefresh").Call(jen.Id("ctx"), jen.Id("tx"), jen.Id("next")), jen.Err().Op("!=").Nil()).Block(jen.Return(rec().Values(), jen.Err())),
		jen.Return(jen.Id("next"), jen.Id("tx").Dot("Commit").Call()),
	)
	f.Line()
	f.Comment("RefreshByDigest implements refresh.Store.")
	f.Func().Add(recv).Id("RefreshByDigest").Params(ctxParam(), jen.Id("digest").String()).Params(rec(), jen.Error()).Block(
		jen.Var().Id("r").Add(rec()),
		jen.Var().List(jen.Id("issued"), jen.Id("expires")).Int64(),
		jen.Var().List(jen.Id("revoked"), jen.Id("replaced")).Qual(pkgSQL, "NullInt64"),
		jen.Err().Op(":=").Id("s").Dot("db").Dot("QueryRowContext").Call(jen.Id("ctx"),
			jen.Lit("SELECT "+sqliteRefreshColumns+" FROM refresh_tokens WHERE digest = ?"), jen.Id("digest")).Dot("Scan").Call(
			jen.Op("&").Id("r").Dot("Digest"), jen.Op("&").Id("r").Dot("FamilyID"), jen.Op("&").Id("r").Dot("UserID"),
			jen.Op("&").Id("issued"), jen.Op("&").Id("expires"), jen.Op("&").Id("revoked"), jen.Op("&").Id("replaced"),
			jen.Op("&").Id("r").Dot("UserAgent"), jen.Op("&").Id("r").Dot("ClientAddr")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), jen.Qual(pkgSQL, "ErrNoRows"))).Block(jen.Return(rec().Values(), jen.Qual(pkgRefresh, "ErrNotFound"))),
		ifErrReturn(rec().Values(), jen.Err()),
		jen.List(jen.Id("r").Dot("IssuedAt"), jen.Id("r").Dot("ExpiresAt")).Op("=").List(
			jen.Qual(pkgTime, "UnixMilli").Call(jen.Id("issued")).Dot("UTC").Call(), jen.Qual(pkgTime, "UnixMilli").Call(jen.Id("expires")).Dot("UTC").Call()),
		jen.List(jen.Id("r").Dot("RevokedAt"), jen.Id("r").Dot("ReplacedAt")).Op("=").List(jen.Id("optionalTime").Call(jen.Id("revoked")), jen.Id("optionalTime").Call(jen.Id("replaced"))),
		jen.Return(jen.Id("r"), jen.Nil()),
	)
	f.Line()
	f.Func().Id("optionalTime").Params(jen.Id("ms").Qual(pkgSQL, "NullInt64")).Op("*").Qual(pkgTime, "Time").Block(
		jen.If(jen.Op("!").Id("ms").Dot("Valid")).Block(jen.Return(jen.Nil())),
		jen.Id("t").Op(":=").Qual(pkgTime, "UnixMilli").Call(jen.Id("ms").Dot("Int64")).Dot("UTC").Call(),
		jen.Return(jen.Op("&").Id("t")),
	)
	f.Line()
	f.Comment("RevokeRefreshFamily implements refresh.Store.")
	f.Func().Add(recv).Id("RevokeRefreshFamily").Params(ctxParam(), jen.Id("family").String(), jen.Id("now").Qual(pkgTime, "Time")).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("s").Dot("db").Dot("ExecContext").Call(jen.Id("ctx"),
			jen.Lit("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL"), jen.Id("now").Dot("UnixMilli").Call(), jen.Id("family")),
		jen.Return(jen.Err()),
	)
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
