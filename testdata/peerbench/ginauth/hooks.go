// This file was scaffolded by authgen. It is yours: authgen will not touch it again.

package ginauth

import (
	"context"
	"log/slog"
)

// The hooks of this service's authentication: the generated code calls them at
// the moments their names say, and relies on nothing else in this file. They
// run on the request's path: keep them quick, and hand slow work to a queue.
//
// A hook that refuses returns an error: a *httpauth.Problem is the answer the
// client gets, e.g.
//
// 	return httpauth.NewProblem(http.StatusForbidden, "domain_refused", "sign up with your work address")
//
// and any other error is logged and answered 503.

// onRegister is called with each new account before it is stored, and with the
// password it is registered with (check it against a list of breached ones,
// say; never log or keep it). Set u's fields to enrich the account; leave its
// ID and email as they are.
func onRegister(ctx context.Context, u *User, password string) error {
	return nil
}

// afterLogin is called once a user has proved their password, before the
// session starts: an error refuses the login.
func afterLogin(ctx context.Context, u User) error {
	return nil
}

// onPasswordChange is called with the new password of u before it replaces the
// old one: an error refuses the change.
func onPasswordChange(ctx context.Context, u User, password string) error {
	return nil
}

// onEvent is called with every event (events.go) once it has happened. By
// default it writes the event to the service's log at Info, the audit trail;
// send it to a store of your own here as well.
func onEvent(ctx context.Context, log *slog.Logger, e Event) {
	LogEvent(ctx, log, e)
}
