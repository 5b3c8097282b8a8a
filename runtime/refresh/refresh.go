// Package refresh implements opaque refresh tokens with rotation and reuse
// detection (RFC 9700 section 4.14.2).
//
// A refresh token is 256 random bits, handed to the client once and stored
// only as its SHA-256 digest. Every refresh spends the presented token and
// issues a successor in the same family; presenting a spent token again means
// that two parties hold it, so the whole family is revoked. Storage is behind
// the small Store interface that each generated store implements.
package refresh

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
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
}

// Live reports whether r may still be exchanged at now.
func (r Record) Live(now time.Time) bool {
	return r.RevokedAt == nil && r.ReplacedAt == nil && now.Before(r.ExpiresAt)
}

// Store persists refresh records. Implementations must make Rotate atomic:
// spending the old record and inserting next either both happen or neither,
// and of two concurrent Rotate calls for one digest exactly one succeeds
// (a conditional update, never read-then-write).
type Store interface {
	// InsertRefresh stores a new record.
	InsertRefresh(ctx context.Context, r Record) error
	// RotateRefresh marks the live record with digest old as replaced at now
	// and inserts next with the old record's FamilyID and UserID, which it
	// returns filled in. It returns ErrNotFound when no live record matches.
	RotateRefresh(ctx context.Context, old string, next Record, now time.Time) (Record, error)
	// RefreshByDigest returns the record with digest, live or not.
	RefreshByDigest(ctx context.Context, digest string) (Record, error)
	// RevokeRefreshFamily marks every record of the family revoked at now.
	RevokeRefreshFamily(ctx context.Context, familyID string, now time.Time) error
}

// Manager issues, rotates and revokes refresh tokens against a Store.
type Manager struct {
	Store Store
	TTL   time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Meta describes the client a token is issued to, for the audit trail.
type Meta struct {
	UserAgent  string
	ClientAddr string
}

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Issue starts a new family for userID and returns its first token.
func (m *Manager) Issue(ctx context.Context, userID string, meta Meta) (string, Record, error) {
	family, err := randomString(16)
	if err != nil {
		return "", Record{}, err
	}
	tok, rec, err := m.newRecord(meta)
	if err != nil {
		return "", Record{}, err
	}
	rec.FamilyID, rec.UserID = family, userID
	if err := m.Store.InsertRefresh(ctx, rec); err != nil {
		return "", Record{}, err
	}
	return tok, rec, nil
}

// Rotate spends token and returns its successor. A token that was already
// spent revokes its family and returns ErrReused.
func (m *Manager) Rotate(ctx context.Context, token string, meta Meta) (string, Record, error) {
	if !wellFormed(token) {
		return "", Record{}, ErrInvalid
	}
	tok, next, err := m.newRecord(meta)
	if err != nil {
		return "", Record{}, err
	}
	digest := Digest(token)
	rec, err := m.Store.RotateRefresh(ctx, digest, next, next.IssuedAt)
	if err == nil {
		return tok, rec, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return "", Record{}, err
	}
	return "", Record{}, m.explain(ctx, digest, next.IssuedAt)
}

// explain turns a failed rotation into the reason, revoking the family when
// a spent token comes back.
func (m *Manager) explain(ctx context.Context, digest string, now time.Time) error {
	old, err := m.Store.RefreshByDigest(ctx, digest)
	switch {
	case errors.Is(err, ErrNotFound):
		return ErrInvalid
	case err != nil:
		return err
	case old.RevokedAt != nil:
		return ErrRevoked
	case old.ReplacedAt != nil:
		if err := m.Store.RevokeRefreshFamily(ctx, old.FamilyID, now); err != nil {
			return err
		}
		return ErrReused
	case !now.Before(old.ExpiresAt):
		return ErrExpired
	}
	// Live again: a concurrent rotation lost the race to another one that
	// has not committed the state we read. Treat it as a reuse of the token.
	return ErrInvalid
}

// Revoke revokes the family of token. Unknown tokens are not an error:
// logout must be idempotent and must not reveal which tokens exist.
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

func (m *Manager) newRecord(meta Meta) (string, Record, error) {
	tok, err := randomString(32)
	if err != nil {
		return "", Record{}, err
	}
	now := m.now().UTC()
	return tok, Record{
		Digest:     Digest(tok),
		IssuedAt:   now,
		ExpiresAt:  now.Add(m.TTL),
		UserAgent:  truncate(meta.UserAgent, 256),
		ClientAddr: truncate(meta.ClientAddr, 64),
	}, nil
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

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
