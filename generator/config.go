package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/authgen/authgen/templates"
)

// ConfigFile is the name of the committed configuration at the module root.
const ConfigFile = "authgen.yaml"

// configVersion is the version of the authgen.yaml format.
const configVersion = 1

type configFile struct {
	Version int `yaml:"version"`
	Options `yaml:",inline"`
}

// ParseConfig reads authgen.yaml on top of base. Unknown keys and values of
// the wrong type are errors that carry the line number.
func ParseConfig(data []byte, base Options) (Options, error) {
	cfg := configFile{Version: configVersion, Options: base}
	// A key that authgen.yaml lacks because it predates the option keeps
	// the behaviour the service had before it; new files hold every key.
	cfg.SessionCheck = SessionCheckOff
	cfg.RecentAuth = 0
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
		msg = strings.ReplaceAll(msg, " in type generator.configFile", ": the keys are "+strings.Join(configKeys(), ", "))
		return Options{}, fmt.Errorf("%s: %s", ConfigFile, msg)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return Options{}, fmt.Errorf("%s holds more than one YAML document (a line with ---): keep one", ConfigFile)
	}
	if cfg.Version != configVersion {
		return Options{}, fmt.Errorf("%s: version %d is not supported by this authgen (want %d): upgrade authgen", ConfigFile, cfg.Version, configVersion)
	}
	if len(cfg.ExcludePaths) == 0 {
		cfg.ExcludePaths = nil // "[]" and no key mean the same
	}
	if len(cfg.UserFields) == 0 {
		cfg.UserFields = nil
	}
	return cfg.Options, nil
}

// RenderConfig renders o as a commented authgen.yaml.
func RenderConfig(o Options) ([]byte, error) {
	data, err := templates.Render("authgen.yaml.tmpl", struct {
		Options
		Frameworks, Storages []string
	}{o, FrameworkNames(), StorageNames()})
	if err != nil {
		return nil, err
	}
	// What we write must read back as exactly these options.
	back, err := ParseConfig(data, Defaults())
	if err != nil || back.String() != o.String() {
		return nil, fmt.Errorf("internal error: %s does not round-trip: %v", ConfigFile, err)
	}
	return data, nil
}

// configKeys lists the keys of authgen.yaml, for error messages.
func configKeys() []string {
	keys := []string{"version"}
	t := reflect.TypeOf(Options{})
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		keys = append(keys, name)
	}
	return keys
}
