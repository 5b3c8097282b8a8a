package httpauth

import (
	"context"

	"github.com/authgen/authgen/runtime/token"
)

type claimsKey struct{}

// WithClaims returns a copy of ctx carrying the verified claims of the
// request's access token.
func WithClaims(ctx context.Context, c *token.Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// ClaimsFrom returns the claims stored by WithClaims, or nil for an
// anonymous request.
func ClaimsFrom(ctx context.Context) *token.Claims {
	c, _ := ctx.Value(claimsKey{}).(*token.Claims)
	return c
}
