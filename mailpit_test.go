package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mailpit (github.com/axllent/mailpit) is the real SMTP server of the
// suites: the services send it their mail over SMTP, and the tests read what
// it received through its HTTP API, follow the links and finish the flows.
// make test installs it (make mailpit).

const mailpitVersion = "v1.33.1"

// mailpit is one Mailpit server on loopback ports, with its own database.
type mailpit struct {
	smtp, api string // host:port, http://host:port
	args      []string
	dir       string
	cmd       *exec.Cmd
	mu        sync.Mutex
	seen      map[string]bool // message IDs next has returned
	// certFile is the certificate of a TLS server, for the services'
	// SSL_CERT_FILE; empty for a plain one. implicit marks one that speaks
	// TLS from the first byte (smtps).
	certFile string
	implicit bool
}

// The kinds of Mailpit: plain SMTP, STARTTLS required, implicit TLS (the
// latter two with a certificate for 127.0.0.1 that the services trust
// through SSL_CERT_FILE).
const (
	plainSMTP = iota
	startTLS
	implicitTLS
)

// startMailpit starts a Mailpit of kind; it stops when the test ends.
func startMailpit(t *testing.T, kind int) *mailpit {
	t.Helper()
	bin, err := exec.LookPath("mailpit")
	if err != nil {
		t.Fatal("mailpit is not on the PATH: make test installs it (go install github.com/axllent/mailpit@" + mailpitVersion + ")")
	}
	dir := t.TempDir()
	m := &mailpit{smtp: "127.0.0.1:" + freePort(t), dir: dir, seen: map[string]bool{}}
	m.api = "http://127.0.0.1:" + freePort(t)
	m.args = []string{"--smtp", m.smtp, "--listen", strings.TrimPrefix(m.api, "http://"), "--database", filepath.Join(dir, "mailpit.db"), "--smtp-disable-rdns", "--quiet"}
	if kind != plainSMTP {
		m.certFile, m.args = selfSignedCert(t, dir), append(m.args, "--smtp-tls-cert", filepath.Join(dir, "cert.pem"), "--smtp-tls-key", filepath.Join(dir, "key.pem"))
		m.implicit = kind == implicitTLS
		m.args = append(m.args, map[bool]string{false: "--smtp-require-starttls", true: "--smtp-require-tls"}[m.implicit])
	}
	m.args = append([]string{bin}, m.args...)
	m.start(t)
	t.Cleanup(m.stop)
	return m
}

// smtpURL is the AUTH_SMTP_URL of the server: implicit TLS, STARTTLS
// required, or plain on loopback.
func (m *mailpit) smtpURL() string {
	switch {
	case m.implicit:
		return "smtps://" + m.smtp
	case m.certFile != "":
		return "smtp://" + m.smtp
	}
	return "smtp://" + m.smtp + "?tls=off"
}

// env is a service's mail environment for this server (and no AUTH_MAIL_DIR).
func (m *mailpit) env(env []string) []string {
	out := append(withoutMailDir(env), "AUTH_SMTP_URL="+m.smtpURL())
	if m.certFile != "" {
		out = append(out, "SSL_CERT_FILE="+m.certFile)
	}
	return out
}

// start runs the server and waits until its API answers.
func (m *mailpit) start(t *testing.T) {
	t.Helper()
	m.cmd = exec.Command(m.args[0], m.args[1:]...)
	m.cmd.Stdout, m.cmd.Stderr = os.Stderr, os.Stderr
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		if resp, err := http.Get(m.api + "/livez"); err == nil {
			resp.Body.Close()
			if c, err := net.Dial("tcp", m.smtp); err == nil {
				c.Close()
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("mailpit did not start: %v", m.args)
}

// stop ends the server (its database stays).
func (m *mailpit) stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		m.cmd.Process.Kill()
		m.cmd.Wait()
		m.cmd = nil
	}
}

// mail is a message as Mailpit's API gives it, decoded.
type mail struct {
	ID, Subject, Text, HTML string
	To                      []struct{ Address string }
}

// next waits up to 20 s for a message to to whose subject holds subject,
// that next has not returned before, and returns the oldest such.
func (m *mailpit) next(t testing.TB, to, subject string) mail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		var found struct{ Messages []mail }
		if err := getJSON(m.api+"/api/v1/search?query="+url.QueryEscape(`to:"`+to+`"`), &found); err == nil {
			m.mu.Lock()
			for i := len(found.Messages) - 1; i >= 0; i-- { // newest first
				msg := found.Messages[i]
				if m.seen[msg.ID] || !strings.Contains(msg.Subject, subject) || len(msg.To) != 1 || msg.To[0].Address != to {
					continue
				}
				m.seen[msg.ID] = true
				m.mu.Unlock()
				var full mail
				if err := getJSON(m.api+"/api/v1/message/"+msg.ID, &full); err != nil {
					t.Fatal(err)
				}
				return full
			}
			m.mu.Unlock()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no mail to %s about %q arrived in 20 s", to, subject)
	return mail{}
}

// count is how many messages addressed to to alone, whose subject holds
// subject, the server holds (its search matches parts of addresses too).
func (m *mailpit) count(t testing.TB, to, subject string) int {
	t.Helper()
	var found struct{ Messages []mail }
	if err := getJSON(m.api+"/api/v1/search?query="+url.QueryEscape(`to:"`+to+`"`), &found); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, msg := range found.Messages {
		if strings.Contains(msg.Subject, subject) && len(msg.To) == 1 && msg.To[0].Address == to {
			n++
		}
	}
	return n
}

func getJSON(u string, v any) error {
	resp, err := http.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

var mailedLink = regexp.MustCompile(`https?://[^\s"<>]+/([a-z-]+)\?token=([A-Za-z0-9_-]{43})`)

// linkIn returns the token of msg's link to path, which its text and its
// HTML must both hold.
func linkIn(t testing.TB, msg mail, path string) string {
	t.Helper()
	for _, found := range mailedLink.FindAllStringSubmatch(msg.Text, -1) {
		if "/"+found[1] == path {
			if !strings.Contains(msg.HTML, found[0]) {
				t.Fatalf("the HTML part lacks the text's link %s:\n%s", found[0], msg.HTML)
			}
			return found[2]
		}
	}
	t.Fatalf("no link to %s in the mail %q:\n%s", path, msg.Subject, msg.Text)
	return ""
}

// selfSignedCert writes cert.pem and key.pem for 127.0.0.1 into dir and
// returns the certificate's path.
func selfSignedCert(t *testing.T, dir string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailpit test"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert := filepath.Join(dir, "cert.pem")
	writeFile(t, cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, filepath.Join(dir, "key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})))
	return cert
}
