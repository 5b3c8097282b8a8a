// Package httpauth holds the HTTP-side primitives shared by every generated
// service, whatever its router: bearer-token extraction, bounded JSON request
// decoding, RFC 9457 problem+json responses with RFC 6750 challenges, and the
// request-context key of the authenticated principal.
package httpauth
