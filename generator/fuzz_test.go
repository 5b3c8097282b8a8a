package generator

import (
	"reflect"
	"testing"
)

// FuzzParseConfig feeds arbitrary authgen.yaml text to the parser: it must
// never panic, and a configuration it accepts and Validate passes must render
// and parse back to the same options.
func FuzzParseConfig(f *testing.F) {
	base := Defaults()
	base.Issuer = "example.com/svc"
	seed, err := RenderConfig(base)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(seed), "version: 1\nframework: chi\n", "version: 2\n", "access_ttl: 15\n", "schemes: Bearer\n", "framework: [chi]\n", "login_throttle: off\n", "- a\n", "{", "version: 1\nversion: 1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := ParseConfig(data, base)
		if err != nil || o.Validate() != nil {
			return
		}
		out, err := RenderConfig(o)
		if err != nil {
			t.Fatalf("RenderConfig of accepted options %+v: %v", o, err)
		}
		back, err := ParseConfig(out, base)
		if err != nil || !reflect.DeepEqual(back, o) {
			t.Fatalf("round trip:\n%s\nparsed %+v\nfrom %+v (%v)", out, back, o, err)
		}
	})
}
