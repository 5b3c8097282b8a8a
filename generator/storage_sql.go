package generator

import (
	"slices"
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
	// exec, query and queryRow are the driver's method names.
	exec, query, queryRow string
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
	// uniqueViolation runs then, which returns, when err is a unique
	// violation.
	uniqueViolation func(then jen.Code) []jen.Code
	// fieldArg passes v, a user field's value in User, as a query argument;
	// fieldScan is the type a field's column scans into (NULL included), and
	// fieldFrom the statement that sets dst, in User, from such a v.
	fieldArg  func(f UserField, v *jen.Statement) jen.Code
	fieldScan func(f UserField) *jen.Statement
	fieldFrom func(f UserField, v, dst *jen.Statement) jen.Code
	// rowsAffected turns Exec's first result (res) into (int64, error).
	rowsAffected func() []jen.Code
	// foldCase compares identities with lower(), to use the unique index on
	// lower(identity); without it the column's collation ignores case.
	foldCase bool
	// lockUser is the statement that locks a user's row (one parameter, the
	// ID) in the given mode, FOR SHARE or FOR UPDATE; nil where transactions
	// are serialised anyway (SQLite has one writer at a time).
	lockUser func(mode string) string
}

func (s sqlStore) recv() *jen.Statement { return jen.Params(jen.Id("s").Op("*").Id(s.typ)) }

func (s sqlStore) db() *jen.Statement { return jen.Id("s").Dot(s.handle) }

// beginTx is "tx, err := begin; if err != nil { return fail..., err }; defer
// tx.Rollback(...)": the opening of every transaction of the store.
func (s sqlStore) beginTx(fail ...jen.Code) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("tx"), jen.Err()).Op(":=").Add(s.begin()),
		ifErrReturn(append(fail, jen.Err())...),
		jen.Defer().Id("tx").Dot("Rollback").Call(s.txEndArgs...),
	}
}

// txExec is "if _, err := tx.Exec(ctx, query, args...); err != nil { return
// fail..., err }".
func (s sqlStore) txExec(fail []jen.Code, query jen.Code, args ...jen.Code) jen.Code {
	return jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("tx").Dot(s.exec).Call(append([]jen.Code{jen.Id("ctx"), query}, args...)...), jen.Err().Op("!=").Nil()).Block(
		jen.Return(append(fail, jen.Err())...),
	)
}

// revokeUser revokes every live refresh token of a user: parameters now and
// the user's ID.
func (s sqlStore) revokeUser() string {
	return "UPDATE refresh_tokens SET revoked_at = " + s.param(1) + " WHERE user_id = " + s.param(2) + " AND revoked_at IS NULL"
}

// params is "?, ?, ?" or "$1, $2, $3".
func (s sqlStore) params(n int) string {
	var p []string
	for i := 1; i <= n; i++ {
		p = append(p, s.param(i))
	}
	return strings.Join(p, ", ")
}

func (s sqlStore) userColumns() string {
	cols := "id, " + s.m.IdentityJSON() + ", password_hash, active, created_at"
	for _, f := range s.m.UserFields {
		cols += ", " + f.Name
	}
	return cols
}

// insertUser is the INSERT of CreateUser and its arguments: the columns of
// userColumns, then the folded values of the unique strings.
func (s sqlStore) insertUser() (string, []jen.Code) {
	u := func(name string) *jen.Statement { return jen.Id("u").Dot(name) }
	cols := s.userColumns()
	args := []jen.Code{u("ID"), u(s.m.IdentityField()), u("PasswordHash"), u("Active"), s.timeArg(u("CreatedAt"))}
	for _, f := range s.m.UserFields {
		args = append(args, s.fieldArg(f, u(f.GoName())))
	}
	for _, f := range s.m.UserFields {
		if !f.FoldsCase() {
			continue
		}
		cols += ", " + f.FoldColumn()
		fold := jen.Id("foldKey").Call(u(f.GoName()))
		if !f.Required {
			fold = jen.Id("optionalFoldKey").Call(u(f.GoName()))
		}
		args = append(args, fold)
	}
	return "INSERT INTO users (" + cols + ") VALUES (" + s.params(len(args)) + ")", args
}

// emitScanUser renders scanUser, which reads a user from a row of
// userColumns for both lookups: the variables that the row scans into, then
// what the fields' columns held moved into u.
func (s sqlStore) emitScanUser(f *jen.File) {
	m := s.m
	decls := []jen.Code{jen.Id("u").Id("User"), jen.Id("created").Add(s.timeType())}
	targets := []jen.Code{jen.Op("&").Id("u").Dot("ID"), jen.Op("&").Id("u").Dot(m.IdentityField()), jen.Op("&").Id("u").Dot("PasswordHash"), jen.Op("&").Id("u").Dot("Active"), jen.Op("&").Id("created")}
	var after []jen.Code
	for _, uf := range m.UserFields {
		v := jen.Id(uf.localName())
		decls = append(decls, jen.Add(v).Add(s.fieldScan(uf)))
		targets = append(targets, jen.Op("&").Add(v.Clone()))
		after = append(after, s.fieldFrom(uf, v.Clone(), jen.Id("u").Dot(uf.GoName())))
	}
	f.Comment("row is a query's single row: what both lookups hand scanUser.")
	f.Type().Id("row").Interface(jen.Id("Scan").Params(jen.Id("dest").Op("...").Any()).Error())
	f.Line()
	f.Comment("scanUser reads a user from the row a lookup selected.")
	body := []jen.Code{jen.Var().Defs(decls...)}
	if len(decls) == 2 {
		body = []jen.Code{jen.Var().Add(decls[0]), jen.Var().Add(decls[1])}
	}
	body = append(body,
		jen.Err().Op(":=").Id("r").Dot("Scan").Call(targets...),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Id("User").Values(), jen.Id("ErrNotFound"))),
		ifErrReturn(jen.Id("User").Values(), jen.Err()),
		jen.Id("u").Dot("CreatedAt").Op("=").Add(s.timeOf(jen.Id("created"))),
	)
	body = append(body, after...)
	f.Func().Id("scanUser").Params(jen.Id("r").Id("row")).Params(jen.Id("User"), jen.Error()).Block(append(body, jen.Return(jen.Id("u"), jen.Nil()))...)
	f.Line()
}

const refreshColumns = "digest, family_id, user_id, issued_at, expires_at, revoked_at, replaced_at, user_agent, client_addr, session_expires_at, auth_time, amr"

func itoa(n int) string { return strconv.Itoa(n) }

func rec() *jen.Statement { return jen.Qual(pkgRefresh, "Record") }

// emitQueries renders the Store methods.
func (s sqlStore) emitQueries(f *jen.File) {
	m := s.m
	method := func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code) {
		docComment(f, doc)
		f.Func().Add(s.recv()).Id(name).Params(params...).Add(results).Block(body...)
		f.Line()
	}
	execIn := func(query string, args ...jen.Code) *jen.Statement {
		return s.db().Dot(s.exec).Call(append([]jen.Code{jen.Id("ctx"), jen.Lit(query)}, args...)...)
	}

	insert, insertArgs := s.insertUser()
	createBody := []jen.Code{
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(execIn(insert, insertArgs...)),
	}
	createDoc := "CreateUser implements Store."
	violation := s.uniqueViolation(jen.Return(jen.Id("ErrDuplicate")))
	if len(m.UniqueFields()) > 0 {
		createDoc = "CreateUser implements Store. On a unique violation it blames a taken field\n// before the " + m.IdentityJSON() + " (see Store)."
		createBody = append(createBody,
			jen.Comment("The unique fields are looked up whether or not the insert failed, so that"),
			jen.Comment("a taken "+m.IdentityJSON()+" costs the queries a new one does."),
			jen.Id("taken").Op(":=").Id("s").Dot("takenField").Call(jen.Id("ctx"), jen.Id("u")),
		)
		violation = s.uniqueViolation(jen.If(jen.Id("taken").Op("!=").Nil()).Block(jen.Return(jen.Id("taken"))).Line().Return(jen.Id("ErrDuplicate")))
	}
	createBody = append(createBody, violation...)
	createBody = append(createBody, jen.Return(jen.Err()))
	method(createDoc, "CreateUser", []jen.Code{ctxParam(), jen.Id("u").Id("User")}, jen.Error(), createBody...)
	if len(m.UniqueFields()) > 0 {
		s.emitTakenField(method)
	}
	s.emitFieldHelpers(f)
	s.emitFoldValues(f)

	where := m.IdentityJSON() + " = " + s.param(1)
	if s.foldCase {
		where = "lower(" + m.IdentityJSON() + ") = lower(" + s.param(1) + ")"
	}
	for _, q := range []struct{ name, param, where string }{
		{m.userByIdentity(), m.IdentityJSON(), where},
		{"UserByID", "id", "id = " + s.param(1)},
	} {
		method(q.name+" implements Store.", q.name, []jen.Code{ctxParam(), jen.Id(q.param).String()}, jen.Params(jen.Id("User"), jen.Error()),
			jen.Return(jen.Id("scanUser").Call(s.db().Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT "+s.userColumns()+" FROM users WHERE "+q.where), jen.Id(q.param)))),
		)
	}
	s.emitScanUser(f)
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
			jen.Lit("INSERT INTO refresh_tokens (digest, family_id, user_id, issued_at, expires_at, user_agent, client_addr, session_expires_at, auth_time, amr) VALUES ("+s.params(10)+")"),
			jen.Id("r").Dot("Digest"), jen.Id("r").Dot("FamilyID"), jen.Id("r").Dot("UserID"),
			s.timeArg(jen.Id("r").Dot("IssuedAt")), s.timeArg(jen.Id("r").Dot("ExpiresAt")),
			jen.Id("r").Dot("UserAgent"), jen.Id("r").Dot("ClientAddr"), s.timeArg(jen.Id("r").Dot("SessionEnds")),
			s.timeArg(jen.Id("r").Dot("AuthTime")), jen.Qual("strings", "Join").Call(jen.Id("r").Dot("AMR"), jen.Lit(" "))),
		jen.Return(jen.Err()),
	)
	f.Line()
	rotateDoc := "RotateRefresh implements refresh.Store. The conditional UPDATE is the whole\n// race between rotations: of concurrent rotations of one token, exactly one\n// matches a live row."
	rotate := s.beginTx(rec().Values())
	if s.lockUser != nil {
		rotateDoc += " Against revocation, the user's row is locked FOR SHARE\n// first: a revocation, which locks it FOR UPDATE, then waits for this\n// transaction and sees its new token, or this one waits and finds the old\n// token revoked."
		rotate = append(rotate, s.txExec([]jen.Code{rec().Values()}, jen.Lit(s.lockUser("FOR SHARE")), jen.Id("next").Dot("UserID")))
	}
	method(rotateDoc, "RotateRefresh",
		[]jen.Code{ctxParam(), jen.Id("old").String(), jen.Id("next").Add(rec()), jen.Id("now").Qual(pkgTime, "Time")}, jen.Params(rec(), jen.Error()),
		append(rotate,
			jen.Err().Op("=").Id("tx").Dot(s.queryRow).Call(jen.Id("ctx"),
				jen.Lit("UPDATE refresh_tokens SET replaced_at = "+s.param(1)+" WHERE digest = "+s.param(2)+" AND replaced_at IS NULL AND revoked_at IS NULL AND expires_at > "+s.param(3)+" RETURNING family_id, user_id"),
				s.timeArg(jen.Id("now")), jen.Id("old"), s.timeArg(jen.Id("now"))).Dot("Scan").Call(jen.Op("&").Id("next").Dot("FamilyID"), jen.Op("&").Id("next").Dot("UserID")),
			jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(rec().Values(), jen.Qual(pkgRefresh, "ErrNotFound"))),
			ifErrReturn(rec().Values(), jen.Err()),
			jen.If(jen.Err().Op(":=").Id("insertRefresh").Call(jen.Id("ctx"), jen.Id("tx"), jen.Id("next")), jen.Err().Op("!=").Nil()).Block(jen.Return(rec().Values(), jen.Err())),
			jen.Return(jen.Id("next"), jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
		)...)
	method("RefreshByDigest implements refresh.Store.", "RefreshByDigest", []jen.Code{ctxParam(), jen.Id("digest").String()}, jen.Params(rec(), jen.Error()),
		jen.Var().Id("r").Add(rec()),
		jen.Var().List(jen.Id("issued"), jen.Id("expires")).Add(s.timeType()),
		jen.Var().List(jen.Id("revoked"), jen.Id("replaced"), jen.Id("ends"), jen.Id("authTime")).Add(s.nullTimeType()),
		jen.Var().Id("amr").String(),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"),
			jen.Lit("SELECT "+refreshColumns+" FROM refresh_tokens WHERE digest = "+s.param(1)), jen.Id("digest")).Dot("Scan").Call(
			jen.Op("&").Id("r").Dot("Digest"), jen.Op("&").Id("r").Dot("FamilyID"), jen.Op("&").Id("r").Dot("UserID"),
			jen.Op("&").Id("issued"), jen.Op("&").Id("expires"), jen.Op("&").Id("revoked"), jen.Op("&").Id("replaced"),
			jen.Op("&").Id("r").Dot("UserAgent"), jen.Op("&").Id("r").Dot("ClientAddr"), jen.Op("&").Id("ends"), jen.Op("&").Id("authTime"), jen.Op("&").Id("amr")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(rec().Values(), jen.Qual(pkgRefresh, "ErrNotFound"))),
		ifErrReturn(rec().Values(), jen.Err()),
		jen.List(jen.Id("r").Dot("IssuedAt"), jen.Id("r").Dot("ExpiresAt")).Op("=").List(s.timeOf(jen.Id("issued")), s.timeOf(jen.Id("expires"))),
		jen.List(jen.Id("r").Dot("RevokedAt"), jen.Id("r").Dot("ReplacedAt")).Op("=").List(s.nullTimeOf(jen.Id("revoked")), s.nullTimeOf(jen.Id("replaced"))),
		jen.If(jen.Id("t").Op(":=").Add(s.nullTimeOf(jen.Id("ends"))), jen.Id("t").Op("!=").Nil()).Block(
			jen.Id("r").Dot("SessionEnds").Op("=").Id("t").Dot("UTC").Call(),
		),
		jen.If(jen.Id("t").Op(":=").Add(s.nullTimeOf(jen.Id("authTime"))), jen.Id("t").Op("!=").Nil()).Block(
			jen.List(jen.Id("r").Dot("AuthTime"), jen.Id("r").Dot("AMR")).Op("=").List(jen.Id("t").Dot("UTC").Call(), jen.Qual("strings", "Fields").Call(jen.Id("amr"))),
		),
		jen.Return(jen.Id("r"), jen.Nil()),
	)
	s.emitRevocations(f, method, execIn)
	s.emitPasswordSteps(method)
	deleteBody := []jen.Code{
		jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(execIn("DELETE FROM refresh_tokens WHERE expires_at <= "+s.param(1), s.timeArg(jen.Id("before")))),
		ifErrReturn(jen.Lit(0), jen.Err()),
	}
	deleteBody = append(deleteBody, s.rowsAffected()...)
	method("DeleteExpiredRefresh implements Store.", "DeleteExpiredRefresh", []jen.Code{ctxParam(), jen.Id("before").Qual(pkgTime, "Time")}, jen.Params(jen.Int64(), jen.Error()), deleteBody...)
	if m.ThrottleInStore() {
		s.emitThrottleQueries(method)
	}
	s.emitSessionQueries(method)
	s.emitAPITokenQueries(f, method)
	s.emitReauthenticate(method)
	s.emitMFAQueries(method)
	s.emitMailQueries(method)
}

// staleLoginFailures is how long an untouched attempt count is kept in the
// table: ReserveAttempt sweeps older rows, so that an attacker spraying
// identities grows the table by a day of failures at most.
const staleLoginFailures = "24 * time.Hour"

// emitThrottleQueries renders the throttle.Store methods on the table of
// migration 0002. ReserveAttempt is one transaction that reads the key's
// row locked (SQLite: its one writer at a time; PostgreSQL: FOR UPDATE),
// decides with the policy and writes, so that concurrent attempts queue on
// the row and no more pass than the policy allows.
func (s sqlStore) emitThrottleQueries(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	key := jen.Id("key").String()
	forUpdate := ""
	if s.lockUser != nil {
		forUpdate = " FOR UPDATE"
	}
	txExec := func(query string, args ...jen.Code) jen.Code {
		return s.txExec([]jen.Code{jen.Lit(0)}, jen.Lit(query), args...)
	}
	reserve := []jen.Code{
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("DELETE FROM login_failures WHERE last_failure < "+s.param(1)),
			s.timeArg(jen.Id("now").Dot("Add").Call(jen.Op("-").Id(staleLoginFailures)))), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Lit(0), jen.Err()),
		),
	}
	reserve = append(reserve, s.beginTx(jen.Lit(0))...)
	reserve = append(reserve,
		txExec("INSERT INTO login_failures (key_digest, failures, last_failure) VALUES ("+s.param(1)+", 0, "+s.param(2)+") ON CONFLICT (key_digest) DO NOTHING", jen.Id("key"), s.timeArg(jen.Id("now"))),
		jen.Var().Id("n").Int(),
		jen.Var().Id("last").Add(s.timeType()),
		jen.If(jen.Err().Op(":=").Id("tx").Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT failures, last_failure FROM login_failures WHERE key_digest = "+s.param(1)+forUpdate), jen.Id("key")).Dot("Scan").Call(jen.Op("&").Id("n"), jen.Op("&").Id("last")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Lit(0), jen.Err()),
		),
		jen.List(jen.Id("n"), jen.Id("wait")).Op(":=").Id("p").Dot("Reserve").Call(jen.Id("n"), s.timeOf(jen.Id("last")), jen.Id("now")),
		jen.If(jen.Id("wait").Op(">").Lit(0)).Block(jen.Return(jen.Id("wait"), jen.Nil())),
		txExec("UPDATE login_failures SET failures = "+s.param(1)+", last_failure = "+s.param(2)+" WHERE key_digest = "+s.param(3), jen.Id("n"), s.timeArg(jen.Id("now")), jen.Id("key")),
		jen.Return(jen.Lit(0), jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
	)
	method("ReserveAttempt implements throttle.Store: the check and the count are one\n// transaction on the key's locked row. It also drops the counts nobody has\n// touched for a day.", "ReserveAttempt",
		[]jen.Code{ctxParam(), key, jen.Id("p").Qual(pkgThrottle, "Policy"), jen.Id("now").Qual(pkgTime, "Time")}, jen.Params(jen.Qual(pkgTime, "Duration"), jen.Error()), reserve...)
	method("RefundAttempt implements throttle.Store.", "RefundAttempt", []jen.Code{ctxParam(), key}, jen.Error(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("UPDATE login_failures SET failures = failures - 1 WHERE key_digest = "+s.param(1)+" AND failures > 0"), jen.Id("key")),
		jen.Return(jen.Err()),
	)
	method("ResetAttempts implements throttle.Store.", "ResetAttempts", []jen.Code{ctxParam(), key}, jen.Error(),
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(s.db()).Dot(s.exec).Call(jen.Id("ctx"), jen.Lit("DELETE FROM login_failures WHERE key_digest = "+s.param(1)), jen.Id("key")),
		jen.Return(jen.Err()),
	)
}

// emitRevocations renders RevokeRefreshFamily and RevokeUserRefresh. Where
// the dialect locks rows, each locks the user's row FOR UPDATE before it
// revokes, in one transaction: a rotation in flight (which holds it FOR
// SHARE) finishes first, and the revoking UPDATE then sees the token it
// inserted. A plain UPDATE would miss it: its snapshot predates that commit.
func (s sqlStore) emitRevocations(f *jen.File, method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code), execIn func(query string, args ...jen.Code) *jen.Statement) {
	now := jen.Id("now").Qual(pkgTime, "Time")
	byFamily := "UPDATE refresh_tokens SET revoked_at = " + s.param(1) + " WHERE family_id = " + s.param(2) + " AND revoked_at IS NULL"
	byUser := s.revokeUser()
	if s.lockUser == nil {
		method("RevokeRefreshFamily implements refresh.Store. SQLite runs one writer at a\n// time, so the UPDATE sees every token a rotation has committed.", "RevokeRefreshFamily", []jen.Code{ctxParam(), jen.Id("family").String(), now}, jen.Error(),
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(execIn(byFamily, s.timeArg(jen.Id("now")), jen.Id("family"))),
			jen.Return(jen.Err()),
		)
		method("RevokeUserRefresh implements Store.", "RevokeUserRefresh", []jen.Code{ctxParam(), jen.Id("userID").String(), now}, jen.Error(),
			jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(execIn(byUser, s.timeArg(jen.Id("now")), jen.Id("userID"))),
			jen.Return(jen.Err()),
		)
		return
	}
	method("RevokeRefreshFamily implements refresh.Store, under the lock of the family's\n// user (see revokeLocked).", "RevokeRefreshFamily", []jen.Code{ctxParam(), jen.Id("family").String(), now}, jen.Error(),
		jen.Var().Id("userID").String(),
		jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT user_id FROM refresh_tokens WHERE family_id = "+s.param(1)+" LIMIT 1"), jen.Id("family")).Dot("Scan").Call(jen.Op("&").Id("userID")),
		jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Nil())),
		ifErrReturn(jen.Err()),
		jen.Return(jen.Id("s").Dot("revokeLocked").Call(jen.Id("ctx"), jen.Id("userID"), jen.Lit(byFamily), s.timeArg(jen.Id("now")), jen.Id("family"))),
	)
	method("RevokeUserRefresh implements Store, under the lock of the user (see\n// revokeLocked).", "RevokeUserRefresh", []jen.Code{ctxParam(), jen.Id("userID").String(), now}, jen.Error(),
		jen.Return(jen.Id("s").Dot("revokeLocked").Call(jen.Id("ctx"), jen.Id("userID"), jen.Lit(byUser), s.timeArg(jen.Id("now")), jen.Id("userID"))),
	)
	method("revokeLocked runs the revoking query with args in a transaction that first\n// locks the row of the user FOR UPDATE, so that it waits for the rotations in\n// flight, which hold it FOR SHARE, and sees the tokens they insert.", "revokeLocked",
		[]jen.Code{ctxParam(), jen.List(jen.Id("userID"), jen.Id("query")).String(), jen.Id("args").Op("...").Any()}, jen.Error(),
		append(s.beginTx(),
			s.txExec(nil, jen.Lit(s.lockUser("FOR UPDATE")), jen.Id("userID")),
			s.txExec(nil, jen.Id("query"), jen.Id("args").Op("...")),
			jen.Return(jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
		)...,
	)
}

// emitPasswordSteps renders ReplacePasswordHash and StartSession: each reads
// the user's hash in a transaction, with the row locked where the dialect
// locks rows (FOR UPDATE to replace it, FOR SHARE to start a session on it),
// so that a login racing a password change is ordered before it, and revoked
// by it, or after it, and refused.
func (s sqlStore) emitPasswordSteps(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	readHash := func(mode string) []jen.Code {
		query := "SELECT password_hash FROM users WHERE id = " + s.param(1)
		if s.lockUser != nil {
			query += " " + mode
		}
		return append(s.beginTx(),
			jen.Var().Id("current").String(),
			jen.Err().Op("=").Id("tx").Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit(query), jen.Id("id")).Dot("Scan").Call(jen.Op("&").Id("current")),
			jen.If(jen.Qual(pkgErrors, "Is").Call(jen.Err(), s.noRows)).Block(jen.Return(jen.Id("ErrNotFound"))),
			ifErrReturn(jen.Err()),
		)
	}
	replace := readHash("FOR UPDATE")
	replace = append(replace,
		jen.If(jen.Id("current").Op("!=").Id("old")).Block(jen.Return(jen.Id("ErrPasswordChanged"))),
		s.txExec(nil, jen.Lit("UPDATE users SET password_hash = "+s.param(1)+" WHERE id = "+s.param(2)), jen.Id("next"), jen.Id("id")),
		s.txExec(nil, jen.Lit(s.revokeUser()), s.timeArg(jen.Id("now")), jen.Id("id")),
		s.sqlDeleteAPITokens(),
		jen.Return(jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
	)
	method("ReplacePasswordHash implements Store in one transaction on the user's row.", "ReplacePasswordHash",
		[]jen.Code{ctxParam(), jen.List(jen.Id("id"), jen.Id("old"), jen.Id("next")).String(), jen.Id("now").Qual(pkgTime, "Time")}, jen.Error(), replace...)
	start := append([]jen.Code{jen.Id("id").Op(":=").Id("r").Dot("UserID")}, readHash("FOR SHARE")...)
	start = append(start,
		jen.If(jen.Id("current").Op("!=").Id("passwordHash")).Block(jen.Return(jen.Id("ErrPasswordChanged"))),
		jen.If(jen.Err().Op(":=").Id("insertRefresh").Call(jen.Id("ctx"), jen.Id("tx"), jen.Id("r")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
	)
	method("StartSession implements Store in one transaction on the user's row.", "StartSession",
		[]jen.Code{ctxParam(), jen.Id("r").Add(rec()), jen.Id("passwordHash").String()}, jen.Error(), start...)
}

// refuseNewerCall is the statement of Migrate that stops at a database
// ahead of the code, given the recorded versions (space-separated) and the
// names of the embedded up files.
func refuseNewerCall() jen.Code {
	return jen.If(jen.Err().Op(":=").Id("refuseNewer").Call(jen.Qual("strings", "Fields").Call(jen.Id("recorded")), jen.Id("names")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
}

// emitRefuseNewer renders refuseNewer, which Migrate calls before it applies
// anything.
func emitRefuseNewer(f *jen.File) {
	f.Comment("refuseNewer fails when the database has recorded a migration that this")
	f.Comment("build does not embed: a newer build of the service migrated it, and this")
	f.Comment("one would run against a schema it does not know. Migrations only move")
	f.Comment("forward; to go back, run the newer build's down files first.")
	f.Func().Id("refuseNewer").Params(jen.List(jen.Id("recorded"), jen.Id("names")).Index().String()).Error().Block(
		jen.Id("known").Op(":=").Make(jen.Map(jen.String()).Bool(), jen.Len(jen.Id("names"))),
		jen.For(jen.List(jen.Id("_"), jen.Id("name")).Op(":=").Range().Id("names")).Block(
			jen.Id("known").Index(jen.Qual("strings", "TrimSuffix").Call(jen.Qual("path", "Base").Call(jen.Id("name")), jen.Lit(".up.sql"))).Op("=").True(),
		),
		jen.For(jen.List(jen.Id("_"), jen.Id("version")).Op(":=").Range().Id("recorded")).Block(
			jen.If(jen.Op("!").Id("known").Index(jen.Id("version"))).Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("the database has migration %s, which this build does not have: a newer build of the service migrated it; deploy that build, or run its down migrations first"), jen.Id("version"))),
			),
		),
		jen.Return(jen.Nil()),
	)
	f.Line()
}

// emitTakenField renders takenField, which CreateUser asks after its
// insert: the first unique field whose value another user holds.
func (s sqlStore) emitTakenField(method func(doc, name string, params []jen.Code, results jen.Code, body ...jen.Code)) {
	body := []jen.Code{jen.Var().Id("taken").Bool()}
	for _, f := range s.m.UniqueFields() {
		column, own := f.Name, derefOptional(f, jen.Id("u").Dot(f.GoName()))
		value := s.fieldArg(UserField{Type: f.Type, Required: true}, own)
		if f.FoldsCase() {
			column, value = f.FoldColumn(), jen.Id("foldKey").Call(own)
		}
		check := []jen.Code{
			jen.If(
				jen.Err().Op(":=").Add(s.db()).Dot(s.queryRow).Call(jen.Id("ctx"), jen.Lit("SELECT EXISTS (SELECT 1 FROM users WHERE "+column+" = "+s.param(1)+" AND id <> "+s.param(2)+")"), value, jen.Id("u").Dot("ID")).Dot("Scan").Call(jen.Op("&").Id("taken")),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(jen.Err())),
			jen.If(jen.Id("taken")).Block(jen.Return(jen.Op("&").Id("FieldTakenError").Values(jen.Dict{jen.Id("Field"): jen.Lit(f.Name)}))),
		}
		if f.Required {
			body = append(body, check...)
		} else {
			body = append(body, jen.If(jen.Id("u").Dot(f.GoName()).Op("!=").Nil()).Block(check...))
		}
	}
	body = append(body, jen.Return(jen.Nil()))
	method("takenField returns a *FieldTakenError for the first unique field of u whose\n// value another user holds, nil when there is none, or the store's error.", "takenField",
		[]jen.Code{ctxParam(), jen.Id("u").Id("User")}, jen.Error(), body...)
}

// derefOptional is the value of a field given the expression of it in User:
// a pointer's target for an optional one.
func derefOptional(f UserField, v *jen.Statement) *jen.Statement {
	if f.Required {
		return v
	}
	return jen.Op("*").Add(v)
}

// emitFieldHelpers renders optionalFoldKey, which the INSERT of an optional
// unique string calls.
func (s sqlStore) emitFieldHelpers(f *jen.File) {
	if !slices.ContainsFunc(s.m.UserFields, func(uf UserField) bool { return !uf.Required && uf.FoldsCase() }) {
		return
	}
	f.Comment("optionalFoldKey is the folded value of an optional unique string, or nil.")
	f.Func().Id("optionalFoldKey").Params(jen.Id("v").Op("*").String()).Op("*").String().Block(
		jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Return(jen.Nil())),
		jen.Id("key").Op(":=").Id("foldKey").Call(jen.Op("*").Id("v")),
		jen.Return(jen.Op("&").Id("key")),
	)
	f.Line()
}

// migrated is the last statement of Migrate: with unique strings, it folds
// the values that have no folded copy yet (see emitFoldValues).
func (s sqlStore) migrated() jen.Code {
	if !slices.ContainsFunc(s.m.UserFields, UserField.FoldsCase) {
		return jen.Return(jen.Nil())
	}
	return jen.Return(jen.Id("s").Dot("foldValues").Call(jen.Id("ctx")))
}

// emitFoldValues renders foldValues, which Migrate runs last: it stores the
// folded copy of each unique string that has none, the values from before
// their field became unique. foldKey folds in Go, the same in every store,
// where SQL's lower() would fold by the database's collation, or by ASCII.
func (s sqlStore) emitFoldValues(f *jen.File) {
	var fields []UserField
	for _, uf := range s.m.UserFields {
		if uf.FoldsCase() {
			fields = append(fields, uf)
		}
	}
	if len(fields) == 0 {
		return
	}
	var queries []jen.Code
	for _, uf := range fields {
		queries = append(queries, jen.Values(
			jen.Lit(uf.Name),
			jen.Lit("SELECT id, "+uf.Name+" FROM users WHERE "+uf.FoldColumn()+" IS NULL AND "+uf.Name+" IS NOT NULL"),
			jen.Lit("UPDATE users SET "+uf.FoldColumn()+" = "+s.param(1)+" WHERE id = "+s.param(2)),
		))
	}
	f.Comment("foldValues stores the folded copy (foldKey) of each unique string that has")
	f.Comment("none: the values from before their field became unique, whose migration")
	f.Comment("adds the column empty. Two that fold alike stop it, and the start.")
	f.Func().Add(s.recv()).Id("foldValues").Params(ctxParam()).Error().Block(
		jen.For(jen.List(jen.Id("_"), jen.Id("q")).Op(":=").Range().Index().Struct(jen.List(jen.Id("field"), jen.Id("unfolded"), jen.Id("fold")).String()).Values(queries...)).Block(
			jen.If(jen.Err().Op(":=").Id("s").Dot("foldField").Call(jen.Id("ctx"), jen.Id("q").Dot("field"), jen.Id("q").Dot("unfolded"), jen.Id("q").Dot("fold")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("fold the %s of users from before it was unique: %w"), jen.Id("q").Dot("field"), jen.Err())),
			),
		),
		jen.Return(jen.Nil()),
	)
	f.Line()
	f.Comment("foldField folds, in one transaction, the values that unfolded selects.")
	body := s.beginTx()
	body = append(body,
		jen.List(jen.Id("rows"), jen.Err()).Op(":=").Id("tx").Dot(s.query).Call(jen.Id("ctx"), jen.Id("unfolded")),
		ifErrReturn(jen.Err()),
		jen.Comment("Read them all first: the transaction's connection serves one query at a time."),
		jen.Var().Id("pending").Index().Index(jen.Lit(2)).String(),
		jen.For(jen.Id("rows").Dot("Next").Call()).Block(
			jen.Var().List(jen.Id("id"), jen.Id("value")).String(),
			jen.If(jen.Err().Op(":=").Id("rows").Dot("Scan").Call(jen.Op("&").Id("id"), jen.Op("&").Id("value")), jen.Err().Op("!=").Nil()).Block(
				jen.Id("rows").Dot("Close").Call(),
				jen.Return(jen.Err()),
			),
			jen.Id("pending").Op("=").Append(jen.Id("pending"), jen.Index(jen.Lit(2)).String().Values(jen.Id("id"), jen.Id("value"))),
		),
		jen.Id("rows").Dot("Close").Call(),
		jen.If(jen.Err().Op(":=").Id("rows").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.For(jen.List(jen.Id("_"), jen.Id("p")).Op(":=").Range().Id("pending")).Block(
			append([]jen.Code{
				jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("tx").Dot(s.exec).Call(jen.Id("ctx"), jen.Id("fold"), jen.Id("foldKey").Call(jen.Id("p").Index(jen.Lit(1))), jen.Id("p").Index(jen.Lit(0))),
			}, append(s.uniqueViolation(jen.Return(jen.Qual("fmt", "Errorf").Call(jen.Lit("the %s of user %s is another user's but for letter case: make them differ, then start again"), jen.Id("field"), jen.Id("p").Index(jen.Lit(0))))),
				ifErrReturn(jen.Err()))...)...,
		),
		jen.Return(jen.Id("tx").Dot("Commit").Call(s.txEndArgs...)),
	)
	f.Func().Add(s.recv()).Id("foldField").Params(ctxParam(), jen.List(jen.Id("field"), jen.Id("unfolded"), jen.Id("fold")).String()).Error().Block(body...)
	f.Line()
}
