package main

import (
	"encoding/json"
	"regexp"
	"strings"
)

// userFields checks the user fields of a profile that has them (fieldFlags):
// register and /me answer what registration sent; each bad value, bad bytes
// included, is 422 naming its field and reaches no store; a display name
// another user holds is 409 field_taken naming it, in any letter case and
// whether or not the email is taken too, so that the answer tells nothing
// of the email.
func (s *suite) userFields(sent, registered, me map[string]any) {
	s.t.Helper()
	const reg = "/auth/register"
	for _, name := range []string{"display_name", "birthday"} {
		if registered[name] != sent[name] || me[name] != sent[name] {
			s.t.Errorf("%s: sent %v, register answered %v, /auth/me %v", name, sent[name], registered[name], me[name])
		}
	}
	field := func(r reply, want string) {
		if got := r.json()["field"]; got != want {
			s.t.Errorf("%s %s: field = %v, want %s (%s)", r.method, r.path, got, want, r.body)
		}
	}
	for _, c := range []struct {
		name, field string
		value       any
	}{
		{"register: display_name missing", "display_name", nil},
		{"register: display_name blank", "display_name", "   "},
		{"register: display_name of 65 characters", "display_name", strings.Repeat("é", 65)},
		{"register: display_name with a NUL", "display_name", "Ada\x00Lovelace"},
		{"register: display_name with a line break", "display_name", "Ada\nLovelace"},
		{"register: display_name a number", "display_name", 42},
		{"register: birthday not RFC 3339", "birthday", "June 15th"},
		{"register: birthday a boolean", "birthday", true},
	} {
		body := s.creds("fields@example.com", confPassword)
		body[c.field] = c.value
		if c.value == nil {
			delete(body, c.field)
		}
		field(s.expect(c.name, s.postJSON(reg, body), 422, "validation_failed"), c.field)
	}
	// Bytes that are not UTF-8 never reach a field: the body is refused.
	for _, c := range []struct{ name, bytes string }{
		{"register: display_name not UTF-8", "Ada \xff"},
		{"register: display_name cut mid-rune", "Ad\xc3"},
	} {
		body, _ := json.Marshal(s.creds("fields@example.com", confPassword))
		raw := strings.Replace(string(body), `"display_name":"`, `"display_name":"`+c.bytes, 1)
		s.expect(c.name, s.send("POST", reg, "application/json", []byte(raw)), 400, "malformed_body")
	}
	for _, c := range []struct{ name, value string }{
		{"register: display_name with a lone surrogate", `"Ad\ud800a"`},
		{"register: display_name with a direction override", `"txt.exe\u202egpj"`},
		{"register: display_name invisible", `"\u200b\ufeff"`},
	} {
		body, _ := json.Marshal(s.creds("fields@example.com", confPassword))
		raw := regexp.MustCompile(`"display_name":"[^"]*"`).ReplaceAllLiteralString(string(body), `"display_name":`+c.value)
		field(s.expect(c.name, s.send("POST", reg, "application/json", []byte(raw)), 422, "validation_failed"), "display_name")
	}
	s.expect("register: a member twice", s.send("POST", reg, "application/json", []byte(`{"email":"fields@example.com","password":"`+confPassword+`","display_name":"One","Display_Name":"Two"}`)), 400, "malformed_body")
	// None of them made the account (and a login would spend the address's
	// allowance of failures, which the throttle checks count on).
	s.expect("register: the same email with good fields", s.postJSON(reg, s.creds("fields@example.com", confPassword)), 201, "")

	long := s.creds("long@example.com", confPassword)
	long["display_name"] = strings.Repeat("é", 64)
	if r := s.expect("register: display_name of 64 two-byte characters", s.postJSON(reg, long), 201, ""); r.json()["display_name"] != long["display_name"] {
		s.t.Errorf("64 characters came back as %v", r.json()["display_name"])
	}

	taken := s.creds("taken@example.com", confPassword)
	taken["display_name"] = strings.ToUpper(sent["display_name"].(string))
	field(s.expect("register: a display_name taken, in other letter case", s.postJSON(reg, taken), 409, "field_taken"), "display_name")
	both := s.creds("ADA@example.com", confPassword)
	both["display_name"] = sent["display_name"]
	field(s.expect("register: a display_name taken, with an email taken too", s.postJSON(reg, both), 409, "field_taken"), "display_name")
	s.expect("register: the same email with a display_name of its own", s.postJSON(reg, s.creds("taken@example.com", confPassword)), 201, "")
}
