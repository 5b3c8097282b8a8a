package token

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxNumericDate is the latest exp, nbf or iat accepted: the last second of
// year 9999 UTC. golang-jwt reads a date as a float64 and converts it to int64
// seconds, which Go leaves implementation-defined beyond the int64 range
// (amd64 turns 1e19 and 1e300 alike into -2^63), and time.Time's own
// arithmetic overflows long before that. Year 9999 ends RFC 3339 timestamps,
// in which dates get logged, and lies far below 2^53, so every whole second up
// to it is exact in a float64. The earliest date accepted is 0: no access
// token is issued before 1970, so a negative date is a forgery or a bug.
const maxNumericDate = 253402300799

var (
	errNotObject = errors.New("not a JSON object")
	errMalformed = errors.New("malformed JSON")
)

// checkStrictly runs checkHeader and checkClaims on the header and claims
// of raw, a token golang-jwt's parser has accepted, and returns the claims
// JSON.
func checkStrictly(raw string) ([]byte, error) {
	header, rest, _ := strings.Cut(raw, ".")
	payload, _, _ := strings.Cut(rest, ".")
	head, err := strictB64.DecodeString(header)
	if err == nil {
		err = checkHeader(head)
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	body, err := strictB64.DecodeString(payload)
	if err == nil {
		err = checkClaims(body)
	}
	if err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	return body, nil
}

// checkHeader refuses what golang-jwt lets through in a JOSE header: a
// member named twice, where encoding/json keeps the last (so that two
// verifiers could read two different alg), and any crit, since this package
// understands no critical extension and RFC 7515 section 4.1.11 requires
// refusing those it does not understand.
func checkHeader(header []byte) error {
	return eachMember(header, func(name, _ []byte) error {
		if string(name) == "crit" {
			return errors.New(`"crit": no critical extension is understood`)
		}
		return nil
	})
}

// checkClaims refuses the claims encoding/json would decode ambiguously or
// wrongly into Claims: a member named twice (the last would win), a member
// named like a registered claim in another case (encoding/json matches names
// case-insensitively, so "Sub" would set the subject), and an exp, nbf, iat
// or auth_time that is not a JSON number from 0 to maxNumericDate (golang-jwt takes a
// quoted number as well, and any float).
func checkClaims(payload []byte) error {
	return eachMember(payload, func(name, value []byte) error {
		switch claim := registeredLike(name); {
		case claim != "" && claim != string(name):
			return fmt.Errorf("claim %q would be decoded as the registered claim %q", name, claim)
		case claim == "exp" || claim == "nbf" || claim == "iat" || claim == "auth_time":
			return checkDate(claim, value)
		}
		return nil
	})
}

// checkCustom checks the custom claims IssueWith adds and returns how many
// members they have: none may be named like a registered claim, in any case,
// nor twice, so that what IssueWith signs is what Verify accepts.
func checkCustom(custom []byte) (int, error) {
	n := 0
	err := eachMember(custom, func(name, _ []byte) error {
		if claim := registeredLike(name); claim != "" {
			return fmt.Errorf("claim %q would replace the registered claim %q", name, claim)
		}
		n++
		return nil
	})
	return n, err
}

// checkDate refuses a NumericDate that is not a JSON number from 0 to
// maxNumericDate, as golang-jwt reads it (json.Number.Float64).
func checkDate(claim string, value []byte) error {
	if len(value) == 0 || (value[0] != '-' && (value[0] < '0' || value[0] > '9')) {
		return fmt.Errorf("claim %q is not a JSON number", claim)
	}
	if f, err := strconv.ParseFloat(string(value), 64); err != nil || f < 0 || f > maxNumericDate {
		return fmt.Errorf("claim %q is %s, outside 0 to %d (the end of year 9999)", claim, value, maxNumericDate)
	}
	return nil
}

// registeredLike returns the registered claim that encoding/json would
// decode a member called name into, matching names as strings.EqualFold
// does, or "" when there is none.
func registeredLike(name []byte) string {
	for _, claim := range registered {
		if strings.EqualFold(string(name), claim) {
			return claim
		}
	}
	return ""
}

// eachMember calls fn with the name, decoded, and the raw value of each
// top-level member of the JSON object doc, in order, and refuses a name seen
// before: encoding/json would keep the last. doc has been through
// encoding/json already (golang-jwt's parser, or Marshal for custom claims),
// so this walk only finds the members of valid JSON, allocating nothing for
// plain names; on anything else it fails closed.
func eachMember(doc []byte, fn func(name, value []byte) error) error {
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return errNotObject
	}
	var seen nameSet
	if i = skipSpace(doc, i+1); i < len(doc) && doc[i] == '}' {
		return nil
	}
	for {
		end := skipString(doc, i)
		if end < 0 {
			return errMalformed
		}
		name, err := decodeName(doc[i:end])
		if err != nil {
			return err
		}
		if !seen.add(name) {
			return fmt.Errorf("member %q appears twice", name)
		}
		if i = skipSpace(doc, end); i >= len(doc) || doc[i] != ':' {
			return errMalformed
		}
		start := skipSpace(doc, i+1)
		if end = skipValue(doc, start); end < 0 {
			return errMalformed
		}
		if err := fn(name, doc[start:end]); err != nil {
			return err
		}
		switch i = skipSpace(doc, end); {
		case i < len(doc) && doc[i] == '}':
			return nil
		case i >= len(doc) || doc[i] != ',':
			return errMalformed
		}
		i = skipSpace(doc, i+1)
	}
}

// decodeName decodes a quoted member name as encoding/json does; a name of
// printable ASCII without escapes is its own decoding.
func decodeName(quoted []byte) ([]byte, error) {
	inner := quoted[1 : len(quoted)-1]
	for _, b := range inner {
		if b < 0x20 || b > 0x7e || b == '\\' {
			var name string
			if err := json.Unmarshal(quoted, &name); err != nil {
				return nil, err
			}
			return []byte(name), nil
		}
	}
	return inner, nil
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the JSON string at doc[i], or -1.
func skipString(doc []byte, i int) int {
	if i >= len(doc) || doc[i] != '"' {
		return -1
	}
	for i++; i < len(doc); i++ {
		switch doc[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return -1
}

// skipValue returns the index after the JSON value at doc[i], or -1.
func skipValue(doc []byte, i int) int {
	if i >= len(doc) {
		return -1
	}
	switch doc[i] {
	case '"':
		return skipString(doc, i)
	case '{', '[':
		depth := 0
		for ; i < len(doc); i++ {
			switch doc[i] {
			case '"':
				if i = skipString(doc, i); i < 0 {
					return -1
				}
				i-- // the loop steps past the closing quote
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	start := i // a number, true, false or null
	for i < len(doc) && !endsLiteral(doc[i]) {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

func endsLiteral(b byte) bool {
	switch b {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// nameSet holds the member names read so far: a few in a slice, searched in
// place, then a map, so that an object of hundreds of members costs no
// quadratic time.
type nameSet struct {
	few  [16][]byte
	n    int // of few in use
	many map[string]struct{}
}

// add records name and reports whether it was new.
func (s *nameSet) add(name []byte) bool {
	if s.many == nil {
		for _, n := range s.few[:s.n] {
			if bytes.Equal(n, name) {
				return false
			}
		}
		if s.n < len(s.few) {
			s.few[s.n] = name
			s.n++
			return true
		}
		s.many = make(map[string]struct{}, 2*len(s.few))
		for _, n := range s.few {
			s.many[string(n)] = struct{}{}
		}
	}
	if _, dup := s.many[string(name)]; dup {
		return false
	}
	s.many[string(name)] = struct{}{}
	return true
}
