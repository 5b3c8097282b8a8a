// This file was scaffolded by authgen. It is yours: authgen will not touch it again.

package ginauth

import (
	"context"
	"slices"
)

// TokenClaims are the claims this service adds to its access tokens, beside
// the registered ones (iss, sub, aud, exp, nbf, iat, jti) and sid, which they
// may not reuse. Add fields with json tags; handlers read them with
// TokenClaimsFrom(r.Context()). Keep them few and small: every request
// carries them.
type TokenClaims struct {
	// Roles (RFC 9068 section 2.2.3.1) are what RequireRole checks.
	Roles []string `json:"roles,omitempty"`
}

// claimsFor returns the claims of a new access token for u, at login and at
// every refresh, so that a change reaches the user within one access-token
// lifetime. An error fails the login or refresh with 503.
//
// Decide roles here, e.g. from a table of your own:
//
//	roles, err := lookupRoles(ctx, u.ID)
//	return TokenClaims{Roles: roles}, err
func claimsFor(ctx context.Context, u User) (TokenClaims, error) {
	return TokenClaims{}, nil
}

// hasRole reports whether the claims grant role. RequireRole asks it.
func (c TokenClaims) hasRole(role string) bool {
	return slices.Contains(c.Roles, role)
}
