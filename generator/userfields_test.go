package generator

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestUserFieldsFromConfig(t *testing.T) {
	o, err := ParseConfig([]byte(`version: 1
user_fields:
  - name: display_name
    type: string
    required: true
    max_length: 64
    unique: true
  - name: tenant_id
    type: int
    register: false
    me: false
  - {name: nickname, type: string}
`), Defaults())
	if err != nil {
		t.Fatal(err)
	}
	want := UserFields{
		{Name: "display_name", Type: FieldString, Required: true, MaxLength: 64, Unique: true, Register: true, Me: true},
		{Name: "tenant_id", Type: FieldInt},
		{Name: "nickname", Type: FieldString, MaxLength: defaultMaxLength, Register: true, Me: true},
	}
	if !reflect.DeepEqual(o.UserFields, want) {
		t.Fatalf("user fields:\n got %+v\nwant %+v", o.UserFields, want)
	}
	o.Issuer = "example.com/svc"
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	out, err := RenderConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(out, Defaults())
	if err != nil || !reflect.DeepEqual(back.UserFields, want) {
		t.Fatalf("round trip of\n%s\ngave %+v, %v", out, back.UserFields, err)
	}
}

func TestUserFieldErrorsNameTheLine(t *testing.T) {
	cases := map[string]string{
		"  - {name: age, type: integer}\n":                                                                  `line 3: user field "age": unknown type "integer": use one of string, int, bool, time`,
		"  - {name: email, type: string}\n":                                                                 `line 3: user field "email" clashes with a column or member of authgen's own`,
		"  - {name: password_hash, type: string}\n":                                                         `line 3: user field "password_hash" clashes`,
		"  - {name: nick_fold, type: string}\n":                                                             `line 3: user field "nick_fold" clashes`,
		"  - {name: order, type: int}\n":                                                                    `line 3: user field "order" is an SQL keyword`,
		"  - {name: binary, type: string}\n":                                                                `line 3: user field "binary" is an SQL keyword`,
		"  - {name: authorization, type: string}\n":                                                         `line 3: user field "authorization" is an SQL keyword`,
		"  - {name: DisplayName, type: string}\n":                                                           `line 3: user field "DisplayName": a name is snake_case`,
		"  - {name: a, type: string}\n  - {name: b, type: string, maxlength: 3}\n":                          `line 4: unknown key "maxlength" of a user field: the keys are name, type, required, max_length, unique, register, me`,
		"  - {name: age, type: int, max_length: 3}\n":                                                       `line 3: user field "age": max_length applies to strings only`,
		"  - {name: nick, type: string, max_length: 0}\n  - {name: bio, type: string, max_length: 20000}\n": `line 4: user field "bio": max_length 20000 is out of range`,
		"  - {name: vip, type: bool, unique: true}\n":                                                       `line 3: user field "vip": a bool cannot be unique`,
		"  - {name: tenant, type: string, required: true, register: false}\n":                               `line 3: user field "tenant" is required but not set at registration`,
		"  - {name: nick, type: string}\n  - {name: nick, type: int}\n":                                     `line 4: user field "nick" is declared twice`,
		"  - nick\n":                    `line 3: a user field is a mapping`,
		"  nick: string\n":              `line 3: user_fields is a list of fields`,
		"  - {name: nick, type: [a]}\n": `line 3: a user field is {name, type, required, max_length, unique, register, me}`,
	}
	for field, want := range cases {
		_, err := ParseConfig([]byte("version: 1\nuser_fields:\n"+field), Defaults())
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), ConfigFile+": ") {
			t.Errorf("user_fields:\n%s= %v\nwant an authgen.yaml error containing %q", field, err, want)
		}
	}
}

func TestUserFieldFlagForm(t *testing.T) {
	for _, flag := range []string{
		"display_name:string:required:max_length=64:unique",
		"birthday:time",
		"tenant_id:int:unique:register=false:me=false",
		"vip:bool:register=false",
	} {
		f, err := parseUserField(flag)
		if err != nil {
			t.Fatalf("%s: %v", flag, err)
		}
		if f.FlagForm() != flag && !(f.Type == FieldString && strings.HasPrefix(f.FlagForm(), flag)) {
			t.Errorf("%s reads back as %s", flag, f.FlagForm())
		}
		back, err := parseUserField(f.FlagForm())
		if err != nil || back != f {
			t.Errorf("%s: flag form %s parses to %+v, %v", flag, f.FlagForm(), back, err)
		}
	}
	if f, _ := parseUserField("nick:string"); f.FlagForm() != "nick:string:max_length=255" {
		t.Errorf("a string without max_length: %s", f.FlagForm())
	}
	for flag, want := range map[string]string{
		"nick":                        "write name:type",
		"nick:string:maxlen=3":        `unknown attribute "maxlen"`,
		"nick:string:max_length=many": `max_length="many" is not a number`,
		"nick:string:unique=perhaps":  `"perhaps" is not true or false`,
		"id:string":                   `user field "id" clashes`,
		"nick:float":                  `unknown type "float"`,
	} {
		if _, err := parseUserField(flag); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", flag, err, want)
		}
	}
	o := Defaults()
	o.Issuer = "example.com/svc"
	opt := userFieldsOption()
	if err := opt.Set(&o, []string{"a:string", "a:int"}); err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), `user field "a" is declared twice`) {
		t.Errorf("the same name twice from flags: %v", err)
	}
}

func TestGoNames(t *testing.T) {
	for name, want := range map[string]string{"display_name": "DisplayName", "tenant_id": "TenantID", "avatar_url": "AvatarURL", "x": "X", "ip_v4": "IPV4"} {
		if got := (UserField{Name: name}).GoName(); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	for name, want := range map[string]string{"display_name": "displayName", "id_card": "idCard", "created": "createdValue", "p": "pValue", "u": "uValue"} {
		if got := (UserField{Name: name}).localName(); got != want {
			t.Errorf("local of %s: %s, want %s", name, got, want)
		}
	}
}

// TestUserFieldsMoveTheSchemaForward: a field added to a service with a
// history is one migration; making it unique later adds its index; dropping
// its uniqueness loses no data and needs no consent; dropping the field does.
func TestUserFieldsMoveTheSchemaForward(t *testing.T) {
	opts := testOptions()
	opts.Storage = "postgres"
	dir := scaffolded(t, opts)
	step := func(name string, f func(*Options), allowDrop bool, want ...string) {
		t.Helper()
		f(&opts)
		created, err := regenerate(t, dir, opts, allowDrop)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var names []string
		for _, c := range created {
			names = append(names, strings.TrimPrefix(c, "postgres/"))
		}
		if !slices.Equal(names, want) {
			t.Fatalf("%s created %v, want %v", name, names, want)
		}
	}
	step("a field", func(o *Options) {
		o.UserFields = UserFields{{Name: "nick", Type: FieldString, MaxLength: 32, Register: true, Me: true}}
	}, false,
		"0005_users_nick.down.sql", "0005_users_nick.up.sql")
	step("unique", func(o *Options) { o.UserFields[0].Unique = true }, false,
		"0006_users_nick_unique.down.sql", "0006_users_nick_unique.up.sql")
	up := string(mustReadFile(t, filepath.Join(dir, "internal/auth/migrations/postgres/0006_users_nick_unique.up.sql")))
	if !strings.Contains(up, "ADD COLUMN nick_fold text;") || !strings.Contains(up, "CREATE UNIQUE INDEX users_nick_fold_key ON users (nick_fold);") {
		t.Errorf("0005 up:\n%s", up)
	}
	step("not unique", func(o *Options) { o.UserFields[0].Unique = false }, false,
		"0007_drop_users_nick_unique.down.sql", "0007_drop_users_nick_unique.up.sql")
	opts.UserFields = nil
	_, err := regenerate(t, dir, opts, false)
	var drop *DropError
	if !errors.As(err, &drop) || !strings.Contains(err.Error(), "column users.nick") {
		t.Fatalf("dropping a field without --allow-drop: %v", err)
	}
	step("dropped", func(*Options) {}, true, "0008_drop_users_nick.down.sql", "0008_drop_users_nick.up.sql")
}
