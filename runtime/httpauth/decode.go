package httpauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxBodyBytes caps request bodies (1 MiB).
const MaxBodyBytes = 1 << 20

// DecodeJSON reads the JSON body of r into dst. It refuses other media types
// (415), bodies over MaxBodyBytes (413), and anything that is not exactly one
// JSON value of the expected shape (400). Unknown fields are ignored, as
// clients add fields over time.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any) *Problem {
	if p := RequireMediaType(r, "application/json"); p != nil {
		return p
	}
	return decodeJSON(http.MaxBytesReader(w, r.Body, MaxBodyBytes), dst)
}

// DecodeOptionalJSON is DecodeJSON for endpoints whose body may be empty.
func DecodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) *Problem {
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return nil
	}
	return DecodeJSON(w, r, dst)
}

// RequireMediaType answers 415 unless r's Content-Type is want (parameters
// such as charset are allowed).
func RequireMediaType(r *http.Request, want string) *Problem {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != want {
		return NewProblem(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "send the request body as "+want)
	}
	return nil
}

func decodeJSON(body io.Reader, dst any) *Problem {
	data, err := io.ReadAll(body)
	if p := tooLarge(err); p != nil {
		return p
	}
	if err != nil {
		return NewProblem(http.StatusBadRequest, CodeMalformedBody, "the request body could not be read")
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD, and take
	// the last of two members whose names differ only in letter case: what
	// a proxy or a log reads of the body must be what the service stores.
	if !utf8.Valid(data) {
		return NewProblem(http.StatusBadRequest, CodeMalformedBody, "the request body is not UTF-8")
	}
	if name, twice := repeatedMember(data); twice {
		return NewProblem(http.StatusBadRequest, CodeMalformedBody, "the member "+strconv.Quote(clip(name, 64))+" is sent twice")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	err = dec.Decode(dst)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.Join(errors.New("trailing data after the JSON value"), terr)
		}
	}
	if err != nil {
		return NewProblem(http.StatusBadRequest, CodeMalformedBody, "the request body is not valid JSON of the expected shape")
	}
	return nil
}

// repeatedMember reports a member name that an object of data holds twice,
// as encoding/json matches names: without regard to letter case. Data that
// is not JSON has none; decoding reports it.
func repeatedMember(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	// One entry per open object or array: the folded names an object has
	// seen, nil for an array.
	var open []map[string]bool
	expectName := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				open = append(open, map[string]bool{})
				expectName = true
				continue
			case '[':
				open = append(open, nil)
			default:
				open = open[:len(open)-1]
			}
		case string:
			if expectName {
				folded := foldName(v)
				if open[len(open)-1][folded] {
					return v, true
				}
				open[len(open)-1][folded] = true
				expectName = false
				continue
			}
		}
		// A value ended: in an object, a name comes next.
		expectName = len(open) > 0 && open[len(open)-1] != nil
	}
}

// foldName is a member name as encoding/json compares names: each letter in
// the lower case of its upper case.
func foldName(s string) string {
	return strings.Map(func(r rune) rune { return unicode.ToLower(unicode.ToUpper(r)) }, s)
}

// IsForm reports whether r's body is an HTML form
// (application/x-www-form-urlencoded), the encoding of RFC 6749 token
// requests.
func IsForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded"
}

// DecodeForm parses the form body of r, bounded to MaxBodyBytes: 413 when it
// is larger, 400 when it does not parse. Parameters sent twice are a
// malformed request (RFC 6749 section 3.2).
func DecodeForm(w http.ResponseWriter, r *http.Request) (url.Values, *Problem) {
	if p := RequireMediaType(r, "application/x-www-form-urlencoded"); p != nil {
		return nil, p
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if p := tooLarge(err); p != nil {
		return nil, p
	}
	if err != nil {
		return nil, NewProblem(http.StatusBadRequest, CodeMalformedBody, "the request body could not be read")
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, NewProblem(http.StatusBadRequest, CodeMalformedBody, "the form does not parse")
	}
	for name, values := range form {
		if len(values) > 1 {
			return nil, NewProblem(http.StatusBadRequest, CodeMalformedBody, "the parameter "+name+" is sent more than once")
		}
	}
	return form, nil
}

// tooLarge is the 413 problem when err says the body went over the cap.
func tooLarge(err error) *Problem {
	if over := new(http.MaxBytesError); errors.As(err, &over) {
		return NewProblem(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "the request body is larger than 1 MiB")
	}
	return nil
}

// clip cuts s to at most n bytes, at a rune boundary, marking the cut: what
// a problem detail quotes of the request stays small whatever was sent.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
