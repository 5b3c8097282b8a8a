// Package refresh implements opaque refresh tokens with rotation and reuse
// detection (RFC 9700 section 4.14.2).
//
// A refresh token is 256 random bits, handed to the client once and stored
// only as its SHA-256 digest. Every refresh spends the presented token and
// issues a successor in the same family; presenting a spent token again means
// that two parties hold it, so the whole family is revoked. A family is a
// login session: it ends for good at its absolute lifetime (Manager.MaxAge),
// however often it was rotated. Storage is behind the small Store interface
// that each generated store implements; package refreshtest checks one.
package refresh

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Errors returned by Manager. ErrReused means the family was revoked.
var (
	ErrInvalid = errors.New("refresh: invalid refresh token")
	ErrExpired = fmt.Errorf("%w: expired", ErrInvalid)
	ErrReused  = fmt.Errorf("%w: already used; its family has been revoked", ErrInvalid)
	ErrRevoked = fmt.Errorf("%w: revoked", ErrInvalid)
)

// ErrNotFound is returned by a Store when no record matches.
var ErrNotFound = errors.New("refresh: not found")

// MaxLength caps presented tokens; real ones are 43 bytes.
const MaxLength = 128

// Record is one stored refresh token.
type Record struct {
	Digest     string // hex SHA-256 of the token
	FamilyID   string // shared by a token and all its successors
	UserID     string
	IssuedAt   time.Time
	ExpiresAt  time.Time
	RevokedAt  *time.Time // set when the family was revoked
	ReplacedAt *time.Time // set when the token was spent by a rotation
	UserAgent  string
	ClientAddr string
	// SessionEnds is the end of the family's absolute lifetime, set when it
	// starts and carried unchanged by every successor; ExpiresAt is never
	// later. It is zero in records stored before sessions had one: theirs
	// then counts from IssuedAt.
	SessionEnds time.Time
	// AuthTime is when the user of the session last proved who they are
	// (the login, or a re-authentication since), and AMR how (RFC 8176:
	// "pwd", "otp"); every successor carries them on, so that the access
	// tokens of a session state its proof however often it refreshes. Zero
	// in records stored before sessions had them.
	AuthTime time.Time
	AMR      []string
}

// Live reports whether r may still be exchanged at now.
func (r Record) Live(now time.Time) bool {
	return r.RevokedAt == nil && r.ReplacedAt == nil && now.Before(r.ExpiresAt)
}

// Store persists refresh records. Implementations must make RotateRefresh
// atomic: spending the old record and inserting next either both happen or
// neither, and of two concurrent calls for one digest exactly one succeeds
// (a conditional update, never read-then-write). Revocation must be
// linearizable with rotation: once RevokeRefreshFamily (or a store's
// revocation of a user's families) has returned, no successor inserted by a
// rotation that raced it may be live. SQL stores get this by locking a row
// that both paths touch before they write (see refreshtest).
type Store interface {
	// InsertRefresh stores a new record.
	InsertRefresh(ctx context.Context, r Record) error
	// RotateRefresh marks the live record with digest old as replaced at now
	// and inserts next, whose FamilyID, UserID and SessionEnds the caller
	// copied from the old record; it returns next. It returns ErrNotFound
	// when no live record of that family and user matches.
	RotateRefresh(ctx context.Context, old string, next Record, now time.Time) (Record, error)
	// RefreshByDigest returns the record with digest, live or not.
	RefreshByDigest(ctx context.Context, digest string) (Record, error)
	// RevokeRefreshFamily marks every record of the family revoked at now.
	RevokeRefreshFamily(ctx context.Context, familyID string, now time.Time) error
}

// DefaultMaxAge is the absolute lifetime of a session when Manager.MaxAge is
// zero: 90 days, after which its owner logs in again.
const DefaultMaxAge = 90 * 24 * time.Hour

// Manager issues, rotates and revokes refresh tokens against a Store.
type Manager struct {
	Store Store
	// TTL is the lifetime of one refresh token; each rotation starts a new
	// one, but never past the session's end.
	TTL time.Duration
	// MaxAge is the absolute lifetime of a session (a family), counted from
	// its login; zero means DefaultMaxAge.
	MaxAge time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Meta describes the client a token is issued to, for the audit trail,
// and, for the first token of a family, how its user proved who they are.
type Meta struct {
	UserAgent  string
	ClientAddr string
	// Methods are the RFC 8176 methods of the login that starts a family
	// ("pwd"; "pwd" and "otp"): its AMR, with the login's time as AuthTime.
	// Rotations ignore them and carry the family's on.
	Methods []string
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now().UTC()
	}
	return time.Now().UTC()
}

// Issue starts a new family for userID and returns its first token.
func (m *Manager) Issue(ctx context.Context, userID string, meta Meta) (string, Record, error) {
	tok, rec, err := m.NewFamily(userID, meta)
	if err != nil {
		return "", Record{}, err
	}
	if err := m.Store.InsertRefresh(ctx, rec); err != nil {
		return "", Record{}, err
	}
	return tok, rec, nil
}

// NewFamily makes the first token of a new family for userID without
// storing it, for a store that inserts it under a condition of its own (a
// login stores its session only while the password it proved still holds).
func (m *Manager) NewFamily(userID string, meta Meta) (string, Record, error) {
	family, err := randomString(16)
	if err != nil {
		return "", Record{}, err
	}
	now := m.now()
	tok, rec, err := m.newRecord(meta, now, now.Add(m.maxAge()))
	if err != nil {
		return "", Record{}, err
	}
	rec.FamilyID, rec.UserID = family, userID
	rec.AuthTime, rec.AMR = now, slices.Clone(meta.Methods)
	return tok, rec, nil
}

// Rotate spends token and returns its successor: Lookup, then Spend (and
// like them, the spent record with ErrReused). A
// caller with checks to make before the token is spent (is the user still
// there, can the access token be signed) calls the two itself.
func (m *Manager) Rotate(ctx context.Context, token string, meta Meta) (string, Record, error) {
	rec, err := m.Lookup(ctx, token)
	if err != nil {
		return "", rec, err
	}
	return m.Spend(ctx, rec, meta)
}

// Lookup returns the record of token if it may be exchanged now, without
// spending it. A token that was already spent revokes its family and returns
// ErrReused, with the spent token's record for the audit trail; revoked,
// expired and unknown tokens return errors that wrap ErrInvalid. Other
// errors are the store's.
func (m *Manager) Lookup(ctx context.Context, token string) (Record, error) {
	if !wellFormed(token) {
		return Record{}, ErrInvalid
	}
	rec, err := m.Store.RefreshByDigest(ctx, Digest(token))
	switch {
	case errors.Is(err, ErrNotFound):
		return Record{}, ErrInvalid
	case err != nil:
		return Record{}, err
	}
	if err := m.check(ctx, rec, m.now()); err != nil {
		return reusedRecord(rec, err), err
	}
	return rec, nil
}

// reusedRecord is what a failed exchange returns beside err: rec when err
// is ErrReused, so that the caller can tell whose session was revoked.
func reusedRecord(rec Record, err error) Record {
	if errors.Is(err, ErrReused) {
		return rec
	}
	return Record{}
}

// Spend rotates rec, a record that Lookup returned, and returns its
// successor. When another request spent or revoked rec since the lookup, it
// returns the reason, as Lookup would now (with rec for ErrReused).
func (m *Manager) Spend(ctx context.Context, rec Record, meta Meta) (string, Record, error) {
	now := m.now()
	ends := rec.SessionEnds
	if ends.IsZero() {
		ends = rec.IssuedAt.Add(m.maxAge())
	}
	tok, next, err := m.newRecord(meta, now, ends)
	if err != nil {
		return "", Record{}, err
	}
	next.FamilyID, next.UserID = rec.FamilyID, rec.UserID
	next.AuthTime, next.AMR = rec.AuthTime, rec.AMR
	got, err := m.Store.RotateRefresh(ctx, rec.Digest, next, now)
	if err == nil {
		return tok, got, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return "", Record{}, err
	}
	err = m.explain(ctx, rec.Digest, now)
	return "", reusedRecord(rec, err), err
}

// check says why rec may not be exchanged at now, revoking its family when
// a spent token comes back.
func (m *Manager) check(ctx context.Context, rec Record, now time.Time) error {
	switch {
	case rec.RevokedAt != nil:
		return ErrRevoked
	case rec.ReplacedAt != nil:
		if err := m.Store.RevokeRefreshFamily(ctx, rec.FamilyID, now); err != nil {
			return err
		}
		return ErrReused
	case !now.Before(rec.ExpiresAt): // never later than the session's end
		return ErrExpired
	}
	return nil
}

// explain turns a failed rotation into its reason.
func (m *Manager) explain(ctx context.Context, digest string, now time.Time) error {
	old, err := m.Store.RefreshByDigest(ctx, digest)
	switch {
	case errors.Is(err, ErrNotFound):
		return ErrInvalid
	case err != nil:
		return err
	}
	if err := m.check(ctx, old, now); err != nil {
		return err
	}
	// Live again: a concurrent rotation lost the race to another one that
	// has not committed the state we read. Treat it as a reuse of the token.
	return ErrInvalid
}

// Revoke revokes the family of token and returns the token's record. A
// token this store does not know (never issued, malformed, or deleted since
// it expired) returns ErrInvalid, which callers answer like any other bad
// token; revoking a family that is already revoked is not an error.
func (m *Manager) Revoke(ctx context.Context, token string) (Record, error) {
	if !wellFormed(token) {
		return Record{}, ErrInvalid
	}
	rec, err := m.Store.RefreshByDigest(ctx, Digest(token))
	if errors.Is(err, ErrNotFound) {
		return Record{}, ErrInvalid
	}
	if err != nil {
		return Record{}, err
	}
	return rec, m.Store.RevokeRefreshFamily(ctx, rec.FamilyID, m.now())
}

func (m *Manager) maxAge() time.Duration {
	if m.MaxAge <= 0 {
		return DefaultMaxAge
	}
	return m.MaxAge
}

// newRecord makes a token issued at now, expiring after TTL or at the end
// of its session, whichever comes first.
func (m *Manager) newRecord(meta Meta, now, sessionEnds time.Time) (string, Record, error) {
	tok, err := randomString(32)
	if err != nil {
		return "", Record{}, err
	}
	expires := now.Add(m.TTL)
	if !sessionEnds.IsZero() && sessionEnds.Before(expires) {
		expires = sessionEnds
	}
	return tok, Record{
		Digest:      Digest(tok),
		IssuedAt:    now,
		ExpiresAt:   expires,
		SessionEnds: sessionEnds,
		UserAgent:   Clean(meta.UserAgent, MaxUserAgent),
		ClientAddr:  Clean(meta.ClientAddr, MaxClientAddr),
	}, nil
}

// Limits of the stored client metadata, in bytes.
const (
	MaxUserAgent  = 256
	MaxClientAddr = 64
)

// Clean makes s safe to store and show as text of at most n bytes whatever
// the client sent: invalid UTF-8 becomes U+FFFD, control characters (NUL
// included, which PostgreSQL refuses in text) and format characters (the
// bidirectional overrides that make a session list show "moc.elgoog" as
// "google.com", zero-width characters) are dropped, and the result is cut
// on a rune boundary.
func Clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// Digest returns the hex SHA-256 of token, the only form that is stored.
func Digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func wellFormed(token string) bool {
	return token != "" && len(token) <= MaxLength
}

func randomString(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("refresh: random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
