package token

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestEachMemberWalksLikeEncodingJSON compares the member walk with
// encoding/json's Decoder on valid objects chosen to trip a hand-written
// scanner: white space everywhere, nested values holding quotes, braces and
// commas, escaped and non-ASCII names, and enough members to leave the
// nameSet's array for its map.
func TestEachMemberWalksLikeEncodingJSON(t *testing.T) {
	many := make([]string, 40)
	for i := range many {
		many[i] = fmt.Sprintf(`"m%d":%d`, i, i)
	}
	for _, doc := range []string{
		`{}`,
		` { } `,
		"\t{\n\"a\" :\r1 , \"b\":[ 1 ,{\"c\":\"}]\\\",\"} ] ,\"\":null}\n",
		`{"s\u0075b":"x","\u00e9":true,"é\u0301":false,"\ud83d\ude00":-1.5e3,"x\"y":{"":[[]]}}`,
		"{\"\xff\":\"\\\\\",\"a\\/b\":[\"[\",\"{\"]}",
		`{` + strings.Join(many, ",") + `}`,
	} {
		var want []string
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.Token()
		for dec.More() {
			name, _ := dec.Token()
			var value json.RawMessage
			if err := dec.Decode(&value); err != nil {
				t.Fatalf("%s: %v", doc, err)
			}
			want = append(want, name.(string)+"="+string(value))
		}
		var got []string
		err := eachMember([]byte(doc), func(name, value []byte) error {
			got = append(got, string(name)+"="+string(value))
			return nil
		})
		if err != nil || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%q: eachMember gives %q, %v; encoding/json %q", doc, got, err, want)
		}
	}
}

// TestEachMemberRefusesRepeatsAmongMany: a name repeated after the first 16
// members, which the nameSet keeps in a map, is still found.
func TestEachMemberRefusesRepeatsAmongMany(t *testing.T) {
	var doc bytes.Buffer
	doc.WriteString(`{"m0":0`)
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&doc, `,"m%d":%d`, i, i)
	}
	for _, repeat := range []string{`,"m0":1}`, `,"m39":1}`, `,"m\u0031\u0037":1}`} {
		err := eachMember(append(bytes.Clone(doc.Bytes()), repeat...), func(_, _ []byte) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "twice") {
			t.Errorf("repeat %s: err = %v", repeat, err)
		}
	}
}
