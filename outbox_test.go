package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
			mp := startMailpit(t, plainSMTP)
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

// TestMailTransportSecurity: smtps:// speaks TLS from the first byte;
// smtp:// requires STARTTLS, so that a server that does not offer it, or
// offers it with a certificate the service does not trust, gets no mail
// (which waits in the outbox); ?tls=off is refused for a host that is not
// loopback (the generated TestConfigFromEnv).
func TestMailTransportSecurity(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a service; skipped with -short")
	}
	t.Parallel()
	bin := buildService(t, t.TempDir(), combination{framework: "chi", storage: "sqlite"})
	register := func(t *testing.T, svc *running, email string) {
		t.Helper()
		if status, body := request(t, "POST", svc.base+"/auth/register", fmt.Sprintf(`{"email":%q,"password":%q}`, email, confPassword), ""); status != 201 {
			t.Fatalf("register: %d %s", status, body)
		}
	}
	t.Run("smtps", func(t *testing.T) {
		mp := startMailpit(t, implicitTLS)
		svc := start(t, bin, mp.env(serviceEnv(t, "smtps", "sqlite")))
		register(t, svc, "tls@example.com")
		linkIn(t, mp.next(t, "tls@example.com", "Verify"), "/verify-email")
	})
	for _, c := range []struct {
		name string
		kind int
	}{
		{"a server without STARTTLS", plainSMTP},
		{"a certificate the service does not trust", startTLS},
	} {
		t.Run(c.name, func(t *testing.T) {
			mp := startMailpit(t, c.kind)
			env := serviceEnv(t, "starttls", "sqlite")
			env = append(mp.env(env), "AUTH_SMTP_URL=smtp://"+mp.smtp, "SSL_CERT_FILE="+filepath.Join(t.TempDir(), "none.pem"))
			svc := start(t, bin, env)
			register(t, svc, "clear@example.com")
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(svc.logs.String(), "mail delivery failed") && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if !strings.Contains(svc.logs.String(), "mail delivery failed") {
				t.Fatalf("no failed delivery logged:\n%s", svc.logs.String())
			}
			if n := mp.count(t, "clear@example.com", ""); n != 0 {
				t.Fatalf("%d mails went out over %s", n, c.name)
			}
		})
	}
}

// TestAcceptedMailIsNotSentAgain: a server that accepts a message (250
// after DATA) and then drops the connection at QUIT has the message; the
// service must not send it again. Mailpit says goodbye politely, so the
// server here is a few lines of SMTP that count the messages they accept.
func TestAcceptedMailIsNotSentAgain(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a service; skipped with -short")
	}
	t.Parallel()
	bin := buildService(t, t.TempDir(), combination{framework: "chi", storage: "sqlite"})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go rudeSMTP(c, &accepted)
		}
	}()
	env := append(serviceEnv(t, "rude", "sqlite"), "AUTH_SMTP_URL=smtp://"+l.Addr().String()+"?tls=off")
	svc := start(t, bin, withoutMailDir(env))
	if status, body := request(t, "POST", svc.base+"/auth/register", fmt.Sprintf(`{"email":"rude@example.com","password":%q}`, confPassword), ""); status != 201 {
		t.Fatalf("register: %d %s", status, body)
	}
	// Past the first retry's 10 s, with a poll of the outbox on either side.
	deadline := time.Now().Add(17 * time.Second)
	for time.Now().Before(deadline) && accepted.Load() < 2 {
		time.Sleep(100 * time.Millisecond)
	}
	if n := accepted.Load(); n != 1 {
		t.Fatalf("the server accepted the verification mail %d times, want once:\n%s", n, svc.logs.String())
	}
}

// withoutMailDir is env without AUTH_MAIL_DIR, for a service given its own
// AUTH_SMTP_URL.
func withoutMailDir(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, "AUTH_MAIL_DIR=") })
}

// rudeSMTP serves one SMTP session without TLS, counts every message it
// accepts, and closes the connection at QUIT without answering.
func rudeSMTP(c net.Conn, accepted *atomic.Int32) {
	defer c.Close()
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 rude.test ESMTP\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			fmt.Fprint(c, "250-rude.test\r\n250 8BITMIME\r\n")
		case strings.HasPrefix(cmd, "DATA"):
			fmt.Fprint(c, "354 go on\r\n")
			for {
				body, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if body == ".\r\n" {
					break
				}
			}
			accepted.Add(1)
			fmt.Fprint(c, "250 queued\r\n")
		case cmd == "QUIT":
			return // no 221: the connection just ends
		default: // MAIL, RCPT, RSET, NOOP
			fmt.Fprint(c, "250 ok\r\n")
		}
	}
}
