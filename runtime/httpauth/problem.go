package httpauth

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// ContentTypeProblem is the media type of error responses (RFC 9457).
const ContentTypeProblem = "application/problem+json"

// Problem is an RFC 9457 problem detail with a stable machine-readable Code.
// It is also an error, so that handlers can return it.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
	// Field names the member of the request that a validation problem (422)
	// is about, when it is about one.
	Field string `json:"field,omitempty"`
	// MFAToken is the mfa_token of an mfa_required answer: the login's
	// password was right, and the client finishes it with a second factor.
	MFAToken string `json:"mfa_token,omitempty"`
	// Error and ErrorDescription are the members RFC 6749 section 5.2 adds
	// on the token-request path (see OAuth2).
	OAuthError       string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
	// RetryAfter, in seconds, becomes a Retry-After header when positive.
	RetryAfter int `json:"-"`
	// Challenge, when set, becomes the WWW-Authenticate header.
	Challenge string `json:"-"`
}

func (p *Problem) Error() string { return p.Code + ": " + p.Detail }

// NewProblem returns a Problem with the standard title of status.
func NewProblem(status int, code, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Code: code}
}

// Stable problem codes of the generated services' contract.
const (
	CodeMalformedBody      = "malformed_body"
	CodeBodyTooLarge       = "body_too_large"
	CodeUnsupportedMedia   = "unsupported_media_type"
	CodeValidation         = "validation_failed"
	CodeIdentityTaken      = "identity_taken"
	CodeFieldTaken         = "field_taken"
	CodeInvalidCredentials = "invalid_credentials"
	CodeMissingToken       = "missing_token"
	CodeInvalidToken       = "invalid_token"
	CodeRateLimited        = "rate_limited"
	CodeUnavailable        = "unavailable"
	CodeNotFound           = "not_found"
	CodeForbidden          = "forbidden"
	CodeCrossOrigin        = "cross_origin"
	CodeInsufficientScope  = "insufficient_scope"
	// CodeReauthenticationRequired: the token is fine, but its user proved
	// who they are too long ago for this route (RFC 9470).
	CodeReauthenticationRequired = "reauthentication_required"
	// CodeMFARequired: the password was right, and the account asks for a
	// second factor too (the answer carries an mfa_token).
	CodeMFARequired = "mfa_required"
	// CodeInvalidCode: a TOTP or recovery code is wrong, used or missing.
	CodeInvalidCode = "invalid_code"
	// CodeMFAEnrollmentRequired: with mfa: required, an account without a
	// second factor may only enrol one.
	CodeMFAEnrollmentRequired = "mfa_enrollment_required"
	// CodeMFAEnabled and CodeMFANotEnabled: an MFA change that needs the
	// second factor off, or on.
	CodeMFAEnabled    = "mfa_enabled"
	CodeMFANotEnabled = "mfa_not_enabled"
	// CodeInvalidLink: the token of a link sent by mail is unknown, expired,
	// used, for another purpose, or for an account that changed since; all
	// get this one answer.
	CodeInvalidLink = "invalid_link"
	// CodeEmailUnverified: the password was right, and the service requires
	// a verified email address before a login.
	CodeEmailUnverified = "email_unverified"
)

// MFARequired returns the 403 of a right password for an account with a
// second factor: the client sends mfaToken and a code to the verify route
// to finish the login. On the OAuth2 path its error is mfa_required, as the
// well-known identity providers answer a password grant.
func MFARequired(mfaToken string) *Problem {
	p := NewProblem(http.StatusForbidden, CodeMFARequired, "the password is right; this account also needs a code from its authenticator app (or a recovery code): send it with mfa_token to the MFA verify route")
	p.MFAToken = mfaToken
	return p
}

// InvalidCode returns the 400 of a wrong, used or missing second-factor code.
func InvalidCode(detail string) *Problem {
	return NewProblem(http.StatusBadRequest, CodeInvalidCode, detail)
}

// Invalid returns the 422 Problem of a request member, named field, that
// fails validation.
func Invalid(field, detail string) *Problem {
	p := NewProblem(http.StatusUnprocessableEntity, CodeValidation, detail)
	p.Field = field
	return p
}

// Unauthorized returns a 401 Problem with the RFC 6750 challenge; a request
// that presented a token also gets error="invalid_token".
func Unauthorized(code, detail string, tokenPresented bool) *Problem {
	p := NewProblem(http.StatusUnauthorized, code, detail)
	p.Challenge = `Bearer`
	if tokenPresented {
		p.Challenge = `Bearer error="invalid_token"`
	}
	return p
}

// Unavailable is the answer when the store cannot be reached. It names no
// cause: driver errors stay in the server's logs.
func Unavailable() *Problem {
	p := NewProblem(http.StatusServiceUnavailable, CodeUnavailable, "the service is temporarily unavailable, try again later")
	p.RetryAfter = 1
	return p
}

// WriteProblem writes p as application/problem+json.
func WriteProblem(w http.ResponseWriter, p *Problem) {
	h := w.Header()
	h.Set("Content-Type", ContentTypeProblem)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if p.Challenge != "" {
		h.Set("WWW-Authenticate", p.Challenge)
	}
	if p.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// WriteJSON writes v as JSON with status. Auth responses are never cached.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// InsufficientScope returns the 403 of a token that lacks what the route
// needs (RFC 6750 section 3.1): scope, when not empty, is the scope the
// route requires, which the challenge names for the client.
func InsufficientScope(scope, detail string) *Problem {
	p := NewProblem(http.StatusForbidden, CodeInsufficientScope, detail)
	p.Challenge = `Bearer error="insufficient_scope"`
	if scope != "" {
		p.Challenge += `, scope="` + scope + `"`
	}
	return p
}

// ReauthenticationRequired returns the 401 of a route that needs its user to
// have proved who they are within maxAge (RFC 9470 section 3): the
// challenge names the error and the max_age, in whole seconds, that a
// client re-authenticates to meet.
func ReauthenticationRequired(maxAge time.Duration) *Problem {
	seconds := strconv.Itoa(int(maxAge / time.Second))
	p := NewProblem(http.StatusUnauthorized, CodeReauthenticationRequired,
		"this action needs a password proved within the last "+seconds+" seconds: re-authenticate, then retry with the new access token")
	p.Challenge = `Bearer error="insufficient_user_authentication", error_description="a more recent authentication is required", max_age="` + seconds + `"`
	return p
}

// CrossOrigin is the answer to an unsafe request from another origin that
// a cookie would have authenticated: the browser sent the cookie, not the
// user (cross-site request forgery).
func CrossOrigin() *Problem {
	return NewProblem(http.StatusForbidden, CodeCrossOrigin, "cross-origin request refused: send it from this site's own pages, or list the origin in AUTH_TRUSTED_ORIGINS")
}

// OAuth2 returns p as a token endpoint answers an OAuth2 client (RFC 6749
// section 5.2): bad credentials and bad refresh tokens become 400
// invalid_grant, a malformed request 400 invalid_request, and every problem
// gains error and error_description, which OAuth2 client libraries read.
// The problem members stay, so that one body serves both kinds of client.
func (p *Problem) OAuth2() *Problem {
	q := *p
	q.OAuthError = "invalid_request"
	switch {
	case p.Code == CodeInvalidCredentials || p.Code == CodeInvalidToken:
		q.Status, q.Title, q.Challenge, q.OAuthError = http.StatusBadRequest, http.StatusText(http.StatusBadRequest), "", "invalid_grant"
	case p.Code == CodeMFARequired || p.Code == CodeEmailUnverified:
		q.OAuthError = p.Code
	case p.Status >= 500:
		q.OAuthError = "server_error"
	}
	q.ErrorDescription = p.Detail
	return &q
}
