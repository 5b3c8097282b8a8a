package generator

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// User fields (user_fields in authgen.yaml, --user-field): columns of the
// users table that the owner declares, typed in User, validated at
// registration and returned by /me. This file is their option side: the
// declaration, its two spellings (YAML and the flag form) and its rules.

// FieldType is the type of a user field.
type FieldType string

// The types of user fields.
const (
	FieldString FieldType = "string"
	FieldInt    FieldType = "int"
	FieldBool   FieldType = "bool"
	FieldTime   FieldType = "time"
)

// FieldTypes lists the accepted types.
var FieldTypes = []FieldType{FieldString, FieldInt, FieldBool, FieldTime}

// UserField is one field of the User that the owner declares.
type UserField struct {
	// Name is the JSON member and the column, in snake_case.
	Name string    `yaml:"name"`
	Type FieldType `yaml:"type"`
	// Required fields must be sent at registration.
	Required bool `yaml:"required"`
	// MaxLength bounds a string, in characters (default 255).
	MaxLength int `yaml:"max_length,omitempty"`
	// Unique values are not shared by two users; strings compare without
	// regard to letter case.
	Unique bool `yaml:"unique"`
	// Register lets a user set the field when registering; Me returns it at
	// /me and in the registration's answer. Both default to true.
	Register bool `yaml:"register"`
	Me       bool `yaml:"me"`
}

// UserFields is the user_fields list; its YAML form is checked field by
// field, each error naming its line.
type UserFields []UserField

const (
	// defaultMaxLength bounds a string field whose max_length is not given.
	defaultMaxLength = 255
	maxMaxLength     = 10000
	maxUserFields    = 32
	maxFieldName     = 40
)

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// reservedFieldNames are the users table's own columns, the members of the
// requests that carry user fields, and the columns the next authgen
// features add to users.
var reservedFieldNames = []string{
	"id", "email", "username", "password", "password_hash", "active", "created_at", "updated_at",
	"current_password", "new_password", "email_verified_at",
}

// reservedFieldPrefixes are kept for authgen's own columns.
var reservedFieldPrefixes = []string{"auth_", "mfa_", "totp_"}

// sqlKeywords are the words PostgreSQL reserves (its reserved keywords and
// those reserved but for function and type names) and those SQLite knows as
// keywords: a field is a column in generated SQL, unquoted, so none of them
// may be a field's name.
var sqlKeywords = strings.Fields(`abort action add after all alter always analyse analyze and any array as asc
	asymmetric attach autoincrement before begin between both by cascade case cast check collate column commit
	conflict constraint create cross current current_catalog current_date current_role current_time
	current_timestamp current_user database default deferrable deferred delete desc detach distinct do drop each
	else end escape except exclude exclusive exists explain fail false fetch filter first following for foreign
	from full generated glob grant group groups having if ignore immediate in index indexed initially inner insert
	instead intersect into is isnull join key last lateral leading left like limit localtime localtimestamp match
	materialized natural no not nothing notnull null nulls of offset on only or order others outer over partition
	placing plan pragma preceding primary query raise range recursive references regexp reindex release rename
	replace restrict returning right rollback row rows savepoint select session_user set some symmetric table
	temp temporary then ties to trailing transaction trigger true unbounded union unique update user using vacuum
	values variadic view virtual when where window with without
	authorization binary collation concurrently current_schema freeze ilike overlaps similar tablesample verbose`)

// check reports what is wrong with f on its own.
func (f UserField) check() error {
	name := f.Name
	switch {
	case !fieldName.MatchString(name) || len(name) > maxFieldName:
		return fmt.Errorf("user field %q: a name is snake_case, a letter first, at most %d characters, e.g. display_name", clip(name), maxFieldName)
	case slices.Contains(reservedFieldNames, name) || strings.HasSuffix(name, "_fold") || slices.ContainsFunc(reservedFieldPrefixes, func(p string) bool { return strings.HasPrefix(name, p) }):
		return fmt.Errorf("user field %q clashes with a column or member of authgen's own (%s, names ending in _fold, and names starting with %s are taken): choose another name", name, strings.Join(reservedFieldNames, ", "), strings.Join(reservedFieldPrefixes, ", "))
	case slices.Contains(sqlKeywords, name):
		return fmt.Errorf("user field %q is an SQL keyword, which cannot name a column: choose another name, e.g. %s_value", name, name)
	case !slices.Contains(FieldTypes, f.Type):
		return fmt.Errorf("user field %q: unknown type %q: use one of %s", name, clip(string(f.Type)), strings.Join(names(FieldTypes)(), ", "))
	case f.Type == FieldString && (f.MaxLength < 1 || f.MaxLength > maxMaxLength):
		return fmt.Errorf("user field %q: max_length %d is out of range: use 1 to %d characters", name, f.MaxLength, maxMaxLength)
	case f.Type != FieldString && f.MaxLength != 0:
		return fmt.Errorf("user field %q: max_length applies to strings only, and the field is a %s", name, f.Type)
	case f.Unique && f.Type == FieldBool:
		return fmt.Errorf("user field %q: a bool cannot be unique: two users at most could have a value", name)
	case f.Required && !f.Register:
		return fmt.Errorf("user field %q is required but not set at registration (register: false): make it optional, or let users set it", name)
	}
	return nil
}

// checkUserFields checks each field and the list: no name twice, no more
// than maxUserFields.
func checkUserFields(fields []UserField) error {
	var errs []error
	for i, f := range fields {
		if err := f.check(); err != nil {
			errs = append(errs, err)
		} else if slices.ContainsFunc(fields[:i], func(g UserField) bool { return g.Name == f.Name }) {
			errs = append(errs, fmt.Errorf("user field %q is declared twice: keep one", f.Name))
		}
	}
	if len(fields) > maxUserFields {
		errs = append(errs, fmt.Errorf("%d user fields are declared: at most %d fit in a token-light user; keep the rest in a table of your own", len(fields), maxUserFields))
	}
	return errors.Join(errs...)
}

// newUserField is a field with the defaults of what its declaration left
// out.
func newUserField() UserField { return UserField{Register: true, Me: true} }

// normalize fills in the default max_length of a string.
func (f *UserField) normalize() {
	if f.Type == FieldString && f.MaxLength == 0 {
		f.MaxLength = defaultMaxLength
	}
}

// userFieldKeys are the keys of a field in authgen.yaml.
var userFieldKeys = []string{"name", "type", "required", "max_length", "unique", "register", "me"}

// UnmarshalYAML reads user_fields, checking each field where it is
// declared: an error names the line.
func (fs *UserFields) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: user_fields is a list of fields, each with a name and a type (see AUTH.md)", n.Line)
	}
	var out UserFields
	for _, item := range n.Content {
		f, err := decodeUserField(item)
		if err == nil {
			err = f.check()
		}
		if err == nil && slices.ContainsFunc(out, func(g UserField) bool { return g.Name == f.Name }) {
			err = fmt.Errorf("user field %q is declared twice: keep one", f.Name)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", item.Line, err)
		}
		out = append(out, f)
	}
	if len(out) > maxUserFields {
		return fmt.Errorf("line %d: %d user fields are declared: at most %d", n.Line, len(out), maxUserFields)
	}
	*fs = out
	return nil
}

// decodeUserField reads one field, refusing keys it does not know (a
// misspelt max_length would otherwise leave a string unbounded).
func decodeUserField(n *yaml.Node) (UserField, error) {
	if n.Kind != yaml.MappingNode {
		return UserField{}, errors.New("a user field is a mapping such as {name: display_name, type: string}")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if key := n.Content[i].Value; !slices.Contains(userFieldKeys, key) {
			return UserField{}, fmt.Errorf("unknown key %q of a user field: the keys are %s", clip(key), strings.Join(userFieldKeys, ", "))
		}
	}
	type plain UserField // without this UnmarshalYAML's list
	f := plain(newUserField())
	if err := n.Decode(&f); err != nil {
		return UserField{}, fmt.Errorf("a user field is {name, type, required, max_length, unique, register, me}: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	uf := UserField(f)
	uf.normalize()
	return uf, nil
}

// FlagForm is f as the --user-field flag writes it:
// name:type[:required][:max_length=N][:unique][:register=false][:me=false].
func (f UserField) FlagForm() string {
	parts := []string{f.Name, string(f.Type)}
	if f.Required {
		parts = append(parts, "required")
	}
	if f.Type == FieldString {
		parts = append(parts, "max_length="+strconv.Itoa(f.MaxLength))
	}
	if f.Unique {
		parts = append(parts, "unique")
	}
	if !f.Register {
		parts = append(parts, "register=false")
	}
	if !f.Me {
		parts = append(parts, "me=false")
	}
	return strings.Join(parts, ":")
}

// parseUserField reads the flag form of a field.
func parseUserField(s string) (UserField, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return UserField{}, fmt.Errorf("user field %q: write name:type[:required][:max_length=N][:unique][:register=false][:me=false], e.g. display_name:string:required:max_length=64", clip(s))
	}
	f := newUserField()
	f.Name, f.Type = parts[0], FieldType(parts[1])
	for _, attr := range parts[2:] {
		key, value, hasValue := strings.Cut(attr, "=")
		var err error
		switch key {
		case "required":
			f.Required, err = flagBool(value, hasValue)
		case "unique":
			f.Unique, err = flagBool(value, hasValue)
		case "register":
			f.Register, err = flagBool(value, hasValue)
		case "me":
			f.Me, err = flagBool(value, hasValue)
		case "max_length":
			f.MaxLength, err = strconv.Atoi(value)
			if err != nil {
				err = fmt.Errorf("max_length=%q is not a number of characters", clip(value))
			}
		default:
			err = fmt.Errorf("unknown attribute %q: use required, max_length=N, unique, register=false or me=false", clip(key))
		}
		if err != nil {
			return UserField{}, fmt.Errorf("user field %q: %w", clip(f.Name), err)
		}
	}
	f.normalize()
	return f, f.check()
}

// flagBool is an attribute's value: present alone means true.
func flagBool(value string, hasValue bool) (bool, error) {
	if !hasValue {
		return true, nil
	}
	b, err := strconv.ParseBool(value)
	if err != nil {
		return false, fmt.Errorf("%q is not true or false", clip(value))
	}
	return b, nil
}

// userFieldsOption is user_fields in the option table: a repeatable flag of
// flag forms.
func userFieldsOption() Option {
	return Option{
		Key: "user_fields", Flag: "user-field", Kind: List,
		Usage:    "a field of the user, repeatable: name:type[:required][:max_length=N][:unique][:register=false][:me=false], type string, int, bool or time",
		Values:   "fields of the user: `name`, `type` (`string`, `int`, `bool`, `time`), `required`, `max_length`, `unique`, `register`, `me` (see below)",
		Default:  "none",
		Question: "User fields (comma-separated, may be empty):",
		Help:     "name:type[:required][:max_length=N][:unique][:register=false][:me=false], type string, int, bool or time; e.g. display_name:string:required:max_length=64",
		get: func(o Options) []string {
			var out []string
			for _, f := range o.UserFields {
				out = append(out, f.FlagForm())
			}
			return out
		},
		set: func(o *Options, v []string) error {
			var fields UserFields
			for _, s := range v {
				f, err := parseUserField(s)
				if err != nil {
					return err
				}
				fields = append(fields, f)
			}
			o.UserFields = fields
			return nil
		},
		check: func(o Options) error { return checkUserFields(o.UserFields) },
	}
}
