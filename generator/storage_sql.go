package generator

import (
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// sqlStore emits the queries the SQL stores share. The dialects differ in
// their driver's method names, bind parameters, how a time is stored and
// how a unique violation looks; everything else is written once here.
type sqlStore struct {
	m *Model
	// typ is the store type (SQLiteStore) and handle its field (db).
	typ, handle string
	// exec and queryRow are the driver's method names.
	exec, queryRow string
	// txEndArgs are the arguments of Commit and Rollback.
	txEndArgs []jen.Code
	// begin opens a transaction on the handle.
	begin func() *jen.Statement
	// execer is the method set shared by the handle and a transaction.
	execer jen.Code
	// param is the n-th bind parameter (1-based).
	param  func(n int) string
	noRows jen.Code
	// timeArg stores a time; timeType and nullTimeType are what a time
	// column scans into; timeOf and nullTimeOf turn those into the model's
	// time.Time and *time.Time.
	timeArg                func(v *jen.Statement) *jen.Statement
	timeType, nullTimeType func() *jen.Statement
	timeOf, nullTimeOf     func(v *jen.Statement) *jen.Statement
	// uniqueViolation returns ErrDuplicate when err is one.
	uniqueViolation func() []jen.Code
	// rowsAffected turns Exec's first result (res) into (int64, error).
	rowsAffected func() []jen.Code
	// foldCase compares identities with lower(), to use the unique index on
	// lower(identity); without it the column's collation ignores case.
	foldCase bool
}

func (s sqlStore) recv() *jen.Statement { return jen.Params(jen.Id("s").Op("*").Id(s.typ)) }

func (s sqlStore) db() *jen.Statement { return jen.Id("s").Dot(s.handle) }

// params is "?, ?, ?" or "$1, $2, $3".
func (s sqlStore) params(n int) string {
	var p []string
	for i := 1; i <= n; i++ {
		p = append(p, s.param(i))
	}
	return strings.Join(p, ", ")
}

func (s sqlStore) userColumns() string {
	return "id, " + s.m.IdentityJSON() + ", password_hash, active, created_at"
}

const refreshColumns = "digest, family_id, user_id, issued_at, expires_at, revoked_at, replaced_at, user_agent, client_addr"

func itoa(n int) string { return strconv.Itoa(n) }

func rec() *jen.Statement { return jen.Qual(pkgRefresh, "Record") }

// emitQueries renders the Store methods.
func (s sqlStore) emitQueries(f *jen.File) {
	m := s.m
	method := func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code) {
		f.Comment(doc)
		f.Func().Add(s.recv()).Id(name).Params(params...).Add(results).Block(body...)
		f.Line()
	}
	execIn := func(query string, args ...jen.Code) *jen.Statement {
		return s.db().Dot(s.exec).Call(append([]jen.Code{jen.Id("ctx"), jen.Lit(query)}, args...)...)
	}

	createBody := []jen.Code{
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(execIn("INSERT INTO users ("+s.userColumns()+") VALUES ("+s.params(5)+")",
			jen.Id("u").Dot("ID"), jen.Id("u").Dot(m.IdentityField()), jen.Id("u").Dot("PasswordHash"), jen.Id("u").Dot("Active"), s.timeArg(jen.Id("u").Dot("CreatedAt")))),
	}
	createBody = append(createBody, s.uniqueViolation()...)
	createBody = append(createBody, jen.Return(jen.Err()))
	method("CreateUser implements Store.", "CreateUser", []jen.Code{ctxParam(), jen.Id("u").Id("User")}, jen.Error(), createBody...)

	where := m.IdentityJSON() + " = " + s.param(1)
	if s.foldCase {
		where = "lower(" + m.IdentityJSON() + ") = lower(" + s.param(1) + ")"
	}
	for _, q := range []struct{ name, param, where string }{
		{m.userByIdentity(), m.IdentityJSON(), where},
		{"UserByID", "id", "id = " + s.param(1)},
	} {
		method(q.name+" implements Store.", q.name, []jen.Code{ctxParam(), jen.Id(q.param).String()}, jen.Params(jen.Id("User"), jen.Error()),
			jen.Var().Id("u").Id("User"),
			jen.Var().Id("created").Add(s.timeType()),
			jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT "+s.userColumns()+" FROM users WHERE "+q.where), jen.Id(q.param)).Dot("Scan").Call(
				jen.Op("&").Id("u").Dot("ID"), jen.Op("&").Id("u").Dot(m.IdentityField()), jen.Op("&").Id("u").Dot("PasswordHash"), jen.Op("&").Id("u").Dot("Active"), jen.Op("&").Id("created")),
			jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Id("User").Values(), jen.Id("ErrNotFound"))),
			jen.Id("u").Dot("CreatedAt").Op("=").Add(s.timeOf(jen.Id("created"))),
			jen.Return(jen.Id("u"), jen.Err()),
		)
	}
	method("SetPasswordHash implements Store.", "SetPasswordHash", []jen.Code{ctxParam(), jen.List(jen.Id("id"), jen.Id("hash")).String()}, jen.Error(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(execIn("UPDATE users SET password_hash = "+s.param(1)+" WHERE id = "+s.param(2), jen.Id("hash"), jen.Id("id"))),
		jen.Return(jen.Err()),
	)

	method("InsertRefresh implements refresh.Store.", "InsertRefresh", []jen.Code{ctxParam(), jen.Id("r").Add(rec())}, jen.Error(),
		jen.Return(jen.Id("insertRefresh").Call(jen.Id("ctx"), s.db(), jen.Id("r"))),
	)
	f.Comment("execer is what the connection and a transaction share.")
	f.Type().Id("execer").Interface(s.execer)
	f.Line()
	f.Func().Id("insertRefresh").Params(ctxParam(), jen.Id("db").Id("execer"), jen.Id("r").Add(rec())).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("db").Dot(s.exec).Call(jen.Id("ctx"),
			jen.Lit("INSERT INTO refresh_tokens (digest, family_id, user_id, issued_at, expires_at, user_agent, client_addr) VALUES ("+s.params(7)+")"),
			jen.Id("r").Dot("Digest"), jen.Id("r").Dot("FamilyID"), jen.Id("r").Dot("UserID"),
			s.timeArg(jen.Id("r").Dot("IssuedAt")), s.timeArg(jen.Id("r").Dot("ExpiresAt")),
			jen.Id("r").Dot("UserAgent"), jen.Id("r").Dot("ClientAddr")),
		jen.Return(jen.Err()),
	)
	f.Line()
	method("RotateRefresh implements refresh.Store. The conditional UPDATE is the whole\n// race: of concurrent rotations of one token, exactly one matches a live row.", "RotateRefresh",
		[]jen.Code{ctxParam(), jen.Id("old").String(), jen.Id("next").Add(rec()), jen.Id("now").Qual(pkgTime, "Time")}, jen.Params(rec(), jen.Error()),
		jen.List(jen.Id("tx"), jen.Err()).Op(":=").Add(s.begin()),
		ifErrReturn(rec().Values(), jen.Err()),
		jen.Defer().Id("tx").Dot("Rollback").Call(s.txEndArgs...),
		jen.Err().Op("=").Id("tx").Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("UPDATE refresh_tokens SET replaced_at = "+s.param(1)+" WHERE digest = "+s.param(2)+" AND replaced_at IS NULL AND revoked_at IS NULL AND expires_at > "+s.param(3)+" RETURNING family_id, user_id"),
			s.timeArg(jen.Id("now")), jen.Id("old"), s.timeArg(jen.Id("now"))).Dot("Scan").Call(jen.Op("&").Id("next").Dot("FamilyID"), jen.Op("&").Id("next").Dot("UserID")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(rec().Values(), jen.Qual(pkgRefresh, "ErrNotFound"))),
		ifErrReturn(rec().Values(), jen.Err()),
		jen.If(jen.Err().Op(":=").Id("insertRefresh").Call(jen.Id("ctx"), jen.Id("tx"), jen.Id("next")), jen.Err().Op("!=").Nil()).Block(jen.Return(rec().Values(), jen.Err())),
		jen.Return(jen.Id("next"), jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
	)
	method("RefreshByDigest implements refresh.Store.", "RefreshByDigest", []jen.Code{ctxParam(), jen.Id("digest").String()}, jen.Params(rec(), jen.Error()),
		jen.Var().Id("r").Add(rec()),
		jen.Var().List(jen.Id("issued"), jen.Id("expires")).Add(s.timeType()),
		jen.Var().List(jen.Id("revoked"), jen.Id("replaced")).Add(s.nullTimeType()),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("SELECT "+refreshColumns+" FROM refresh_tokens WHERE digest = "+s.param(1)), jen.Id("digest")).Dot("Scan").Call(
			jen.Op("&").Id("r").Dot("Digest"), jen.Op("&").Id("r").Dot("FamilyID"), jen.Op("&").Id("r").Dot("UserID"),
			jen.Op("&").Id("issued"), jen.Op("&").Id("expires"), jen.Op("&").Id("revoked"), jen.Op("&").Id("replaced"),
			jen.Op("&").Id("r").Dot("UserAgent"), jen.Op("&").Id("r").Dot("ClientAddr")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(rec().Values(), jen.Qual(pkgRefresh, "ErrNotFound"))),
		ifErrReturn(rec().Values(), jen.Err()),
		jen.List(jen.Id("r").Dot("IssuedAt"), jen.Id("r").Dot("ExpiresAt")).Op("=").List(s.timeOf(jen.Id("issued")), s.timeOf(jen.Id("expires"))),
		jen.List(jen.Id("r").Dot("RevokedAt"), jen.Id("r").Dot("ReplacedAt")).Op("=").List(s.nullTimeOf(jen.Id("revoked")), s.nullTimeOf(jen.Id("replaced"))),
		jen.Return(jen.Id("r"), jen.Nil()),
	)
	method("RevokeRefreshFamily implements refresh.Store.", "RevokeRefreshFamily", []jen.Code{ctxParam(), jen.Id("family").String(), jen.Id("now").Qual(pkgTime, "Time")}, jen.Error(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(execIn("UPDATE refresh_tokens SET revoked_at = "+s.param(1)+" WHERE family_id = "+s.param(2)+" AND revoked_at IS NULL", s.timeArg(jen.Id("now")), jen.Id("family"))),
		jen.Return(jen.Err()),
	)
	method("RevokeUserRefresh implements Store.", "RevokeUserRefresh", []jen.Code{ctxParam(), jen.Id("userID").String(), jen.Id("now").Qual(pkgTime, "Time")}, jen.Error(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(execIn("UPDATE refresh_tokens SET revoked_at = "+s.param(1)+" WHERE user_id = "+s.param(2)+" AND revoked_at IS NULL", s.timeArg(jen.Id("now")), jen.Id("userID"))),
		jen.Return(jen.Err()),
	)
	deleteBody := []jen.Code{
		jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(execIn("DELETE FROM refresh_tokens WHERE expires_at <= "+s.param(1), s.timeArg(jen.Id("before")))),
		ifErrReturn(jen.Lit(0), jen.Err()),
	}
	deleteBody = append(deleteBody, s.rowsAffected()...)
	method("DeleteExpiredRefresh implements Store.", "DeleteExpiredRefresh", []jen.Code{ctxParam(), jen.Id("before").Qual(pkgTime, "Time")}, jen.Params(jen.Int64(), jen.Error()), deleteBody...)
	if m.throttleInStore() {
		s.emitThrottleQueries(method)
	}
}

// staleLoginFailures is how long an untouched failed-login count is kept in
// the table: AddLoginFailure sweeps older rows, so that an attacker spraying
// identities grows the table by a day of failures at most.
const staleLoginFailures = "24 * time.Hour"

// emitThrottleQueries renders the throttle.Store methods on the table of
// migration 0002.
func (s sqlStore) emitThrottleQueries(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	key := jen.Id("key").String()
	method("LoginFailures implements throttle.Store.", "LoginFailures", []jen.Code{ctxParam(), key}, jen.Params(jen.Int(), jen.Qual(pkgTime, "Time"), jen.Error()),
		jen.Var().Id("n").Int(),
		jen.Var().Id("last").Add(s.timeType()),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT failures, last_failure FROM login_failures WHERE key_digest = "+s.param(1)), jen.Id("key")).Dot("Scan").Call(jen.Op("&").Id("n"), jen.Op("&").Id("last")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Lit(0), jen.Qual(pkgTime, "Time").Values(), jen.Nil())),
		ifErrReturn(jen.Lit(0), jen.Qual(pkgTime, "Time").Values(), jen.Err()),
		jen.Return(jen.Id("n"), s.timeOf(jen.Id("last")), jen.Nil()),
	)
	method("AddLoginFailure implements throttle.Store: one upsert, so concurrent failures\n// all count. It also drops the counts nobody has touched for a day.", "AddLoginFailure",
		[]jen.Code{ctxParam(), key, jen.List(jen.Id("now"), jen.Id("forgetBefore")).Qual(pkgTime, "Time")}, jen.Params(jen.Int(), jen.Error()),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("DELETE FROM login_failures WHERE last_failure < "+s.param(1)),
			s.timeArg(jen.Id("now").Dot("Add").Call(jen.Op("-").Id(staleLoginFailures)))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Lit(0), jen.Err()),
		),
		jen.Var().Id("n").Int(),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("INSERT INTO login_failures (key_digest, failures, last_failure) VALUES ("+s.param(1)+", 1, "+s.param(2)+") "+
				"ON CONFLICT (key_digest) DO UPDATE SET failures = CASE WHEN login_failures.last_failure < "+s.param(3)+" THEN 1 ELSE login_failures.failures + 1 END, last_failure = excluded.last_failure "+
				"RETURNING failures"),
			jen.Id("key"), s.timeArg(jen.Id("now")), s.timeArg(jen.Id("forgetBefore"))).Dot("Scan").Call(jen.Op("&").Id("n")),
		jen.Return(jen.Id("n"), jen.Err()),
	)
	method("ResetLoginFailures implements throttle.Store.", "ResetLoginFailures", []jen.Code{ctxParam(), key}, jen.Error(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("DELETE FROM login_failures WHERE key_digest = "+s.param(1)), jen.Id("key")),
		jen.Return(jen.Err()),
	)
}
