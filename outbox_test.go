package main

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOutboxSurvivesOutageAndRestart: on each durable store, two instances
// of a service share one outbox and one Mailpit (plain SMTP on loopback).
// With Mailpit down, every account asks for a reset, through either
// instance; one instance is then restarted and Mailpit started again. Every
// account gets exactly one reset mail: nothing is lost with the server down
// or the instance gone, and no mail is sent twice by the two workers.
func TestOutboxSurvivesOutageAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs services; skipped with -short")
	}
	t.Parallel()
	for _, storage := range []string{"sqlite", "postgres"} {
		t.Run(storage, func(t *testing.T) {
			t.Parallel()
			bin := buildService(t, t.TempDir(), combination{framework: "chi", storage: storage})
			mp := startMailpit(t, false)
			env := mp.env(serviceEnv(t, "outbox_"+storage, storage))
			first, second := start(t, bin, env), start(t, bin, env)
			const accounts = 20
			address := func(i int) string { return fmt.Sprintf("outbox%d@example.com", i) }
			for i := range accounts {
				if status, body := request(t, "POST", first.base+"/auth/register", fmt.Sprintf(`{"email":%q,"password":%q}`, address(i), confPassword), ""); status != 201 {
					t.Fatalf("register: %d %s", status, body)
				}
			}
			for i := range accounts { // the registrations' verification mails
				mp.next(t, address(i), "Verify")
			}

			mp.stop()
			var wg sync.WaitGroup
			for i := range accounts {
				base := []string{first.base, second.base}[i%2]
				wg.Go(func() {
					if status, body := request(t, "POST", base+"/auth/password-reset", fmt.Sprintf(`{"email":%q}`, address(i)), ""); status != http.StatusAccepted {
						t.Errorf("reset request with the mail server down: %d %s", status, body)
					}
				})
			}
			wg.Wait()
			time.Sleep(time.Second) // both workers try, and fail
			if err := first.stop(); err != nil {
				t.Logf("stopping the first instance: %v", err)
			}
			mp.start(t)
			restarted := start(t, bin, env)
			for i := range accounts {
				linkIn(t, mp.next(t, address(i), "Reset"), "/reset-password")
			}
			// Another round of polling by both workers, then count again.
			time.Sleep(6 * time.Second)
			for i := range accounts {
				if n := mp.count(t, address(i), "Reset"); n != 1 {
					t.Errorf("%s got %d reset mails, want exactly 1", address(i), n)
				}
			}
			if logs := restarted.logs.String() + second.logs.String(); !strings.Contains(logs, "mail delivery failed; it will be retried") && !strings.Contains(first.logs.String(), "mail delivery failed; it will be retried") {
				t.Errorf("no instance logged a failed delivery while the server was down:\n%s", logs)
			}
		})
	}
}
