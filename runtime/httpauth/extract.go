package httpauth

import (
	"errors"
	"net/http"
	"strings"
)

// MaxHeaderLength caps the credentials header read by an Extractor; longer
// values are rejected before any parsing.
const MaxHeaderLength = 4096

// Errors returned by Extractor.Extract.
var (
	ErrNoToken       = errors.New("httpauth: no token")
	ErrMalformed     = errors.New("httpauth: malformed credentials")
	ErrUnknownScheme = errors.New("httpauth: unsupported authorization scheme")
)

// Extractor reads a token from a request header such as
// "Authorization: Bearer <token>".
type Extractor struct {
	// Header is the header name; empty means "Authorization".
	Header string
	// Schemes lists the accepted schemes, compared case-insensitively
	// (RFC 9110 section 11.1); empty means "Bearer".
	Schemes []string
}

// Extract returns the token of r. It returns ErrNoToken when the header is
// absent, so that optional authentication can let the request through, and
// another error when credentials were sent but are unusable.
func (e Extractor) Extract(r *http.Request) (string, error) {
	name := e.Header
	if name == "" {
		name = "Authorization"
	}
	values := r.Header.Values(name)
	switch {
	case len(values) == 0:
		return "", ErrNoToken
	case len(values) > 1:
		return "", ErrMalformed
	}
	v := values[0]
	if len(v) > MaxHeaderLength {
		return "", ErrMalformed
	}
	scheme, token, ok := strings.Cut(v, " ")
	if !ok {
		if strings.TrimSpace(v) == "" {
			return "", ErrMalformed
		}
		if e.accepts(v) {
			return "", ErrMalformed // a scheme with no token
		}
		return "", ErrUnknownScheme
	}
	if !e.accepts(scheme) {
		return "", ErrUnknownScheme
	}
	token = strings.TrimLeft(token, " ")
	if token == "" || strings.IndexByte(token, ' ') >= 0 || strings.IndexByte(token, '\t') >= 0 {
		return "", ErrMalformed
	}
	return token, nil
}

func (e Extractor) accepts(scheme string) bool {
	if len(e.Schemes) == 0 {
		return strings.EqualFold(scheme, "Bearer")
	}
	for _, s := range e.Schemes {
		if strings.EqualFold(scheme, s) {
			return true
		}
	}
	return false
}
