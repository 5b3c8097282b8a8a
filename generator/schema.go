package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/authgen/authgen/templates"
)

// The schema of a SQL store moves only forward. The options say which
// tables and columns the service needs (schemaObjects); authgen.sum records
// every migration written so far and what it changed (the history). Each run
// compares the two and, when they differ, appends the next numbered
// migration with the difference; a migration once written is emitted from
// its bytes on disk and never rendered again, so that a database it ran on
// never meets a different file of the same name.

// schemaObject is one table or column the options need. def is what a
// migration must follow about it beyond its existence: the users table's
// identity column.
type schemaObject struct{ key, def string }

// schemaObjects are the objects that m's options need, in creation order:
// the core's, then every feature's.
func (m *Model) schemaObjects() []schemaObject {
	core := []schemaObject{
		{"table:users", m.IdentityJSON()},
		{"table:refresh_tokens", ""},
		{"column:refresh_tokens.session_expires_at", ""},
		{"column:refresh_tokens.auth_time", ""},
	}
	return append(core, collect(m, feature.schema)...)
}

// alteredInPlace lists the objects whose def a migration changes without
// dropping them (the identity column is renamed); any other changed def is
// a drop and a create.
var alteredInPlace = map[string]bool{"table:users": true}

// Migration is one step of a store's schema history, as authgen.sum records
// it: its name, e.g. "0004_login_failures", and its changes, each an
// operation on an object: "+table:login_failures" creates it,
// "-table:login_failures" drops it, "~table:users=username" changes it in
// place, and a def follows "=". Up and Down are the bytes of its files once
// they are written.
type Migration struct {
	Name     string
	Changes  []string
	Up, Down []byte
	// baseline renders the files from their templates, for a service that
	// has no history yet.
	baseline bool
}

// baseline is the history every service started with: the first release's
// migrations, each taken when the options need its objects.
var baseline = []struct {
	name string
	keys []string
}{
	{"0001_init", []string{"table:users", "table:refresh_tokens"}},
	{"0002_login_failures", []string{"table:login_failures"}},
	{"0003_session_lifetime", []string{"column:refresh_tokens.session_expires_at"}},
}

// DropError is an option change that would drop objects holding data.
type DropError struct {
	Dialect string
	Objects []string
}

func (e *DropError) Error() string {
	return fmt.Sprintf("authgen.yaml no longer needs %s of the %s store, which may hold data, and authgen never drops data silently: "+
		"restore the option, or run `authgen generate --allow-drop` to add the migration that drops it", strings.Join(e.Objects, " and "), e.Dialect)
}

// planSchema sets m.migrations: the recorded history, plus the migration
// that brings it to what the options need when they differ. Without
// allowDrop a difference that drops an object is a *DropError.
func (m *Model) planSchema(recorded []Migration, allowDrop bool) error {
	if m.Storage.Dialect() == "" {
		return nil
	}
	want := m.schemaObjects()
	history := recorded
	if len(history) == 0 {
		history = baselineFor(want)
	}
	changes := diffSchema(foldHistory(history), want)
	var drops []string
	for _, c := range changes {
		if op, key, _ := parseChange(c); op == '-' && !derived(key) {
			drops = append(drops, strings.Replace(key, ":", " ", 1))
		}
	}
	if len(drops) > 0 && !allowDrop {
		return &DropError{Dialect: m.Storage.Dialect(), Objects: drops}
	}
	m.migrations = history
	if len(changes) > 0 {
		m.migrations = append(slices.Clip(history), Migration{Name: nextMigrationName(history, changes), Changes: changes})
	}
	return nil
}

// derived reports whether the object with key holds no data of its own, so
// that dropping it loses nothing: a unique index (with, for a string, the
// folded copy of the values it covers).
func derived(key string) bool { return strings.HasPrefix(key, "unique:") }

// baselineFor is the history of a service without one: the baseline
// migrations whose objects want holds.
func baselineFor(want []schemaObject) []Migration {
	defs := map[string]string{}
	for _, o := range want {
		defs[o.key] = o.def
	}
	var out []Migration
	for _, b := range baseline {
		mig := Migration{Name: b.name, baseline: true}
		for _, key := range b.keys {
			def, ok := defs[key]
			if !ok {
				mig.Changes = nil
				break
			}
			mig.Changes = append(mig.Changes, formatChange('+', key, def))
		}
		if mig.Changes != nil {
			out = append(out, mig)
		}
	}
	return out
}

// foldHistory is the schema that history leaves, in creation order.
func foldHistory(history []Migration) []schemaObject {
	var state []schemaObject
	for _, mig := range history {
		for _, c := range mig.Changes {
			state = applyChange(state, c)
		}
	}
	return state
}

func applyChange(state []schemaObject, change string) []schemaObject {
	op, key, def := parseChange(change)
	i := slices.IndexFunc(state, func(o schemaObject) bool { return o.key == key })
	switch {
	case op == '+' && i < 0:
		return append(state, schemaObject{key, def})
	case op == '-' && i >= 0:
		return slices.Delete(state, i, i+1)
	case op == '~' && i >= 0:
		state[i].def = def
	}
	return state
}

// diffSchema lists the changes from have to want: the drops first, in the
// reverse of have's order (an index goes before its column), then the
// creations and changes in want's.
func diffSchema(have, want []schemaObject) []string {
	var changes, drops []string
	for _, w := range want {
		i := slices.IndexFunc(have, func(o schemaObject) bool { return o.key == w.key })
		switch {
		case i < 0:
			changes = append(changes, formatChange('+', w.key, w.def))
		case have[i].def == w.def:
		case alteredInPlace[w.key]:
			changes = append(changes, formatChange('~', w.key, w.def))
		default:
			drops = append(drops, formatChange('-', w.key, have[i].def))
			changes = append(changes, formatChange('+', w.key, w.def))
		}
	}
	for _, h := range have {
		if !slices.ContainsFunc(want, func(o schemaObject) bool { return o.key == h.key }) {
			drops = append(drops, formatChange('-', h.key, h.def))
		}
	}
	slices.Reverse(drops)
	return append(drops, changes...)
}

func formatChange(op byte, key, def string) string {
	if def == "" {
		return string(op) + key
	}
	return string(op) + key + "=" + def
}

func parseChange(c string) (op byte, key, def string) {
	if c == "" {
		return 0, "", ""
	}
	key, def, _ = strings.Cut(c[1:], "=")
	return c[0], key, def
}

// nextMigrationName numbers the migration after history and names it by
// its changes: "0004_login_failures", "0005_drop_login_failures".
func nextMigrationName(history []Migration, changes []string) string {
	last := 0
	for _, mig := range history {
		var n int
		fmt.Sscanf(mig.Name, "%04d_", &n)
		last = max(last, n)
	}
	var words []string
	table := ""
	for _, c := range changes {
		op, key, def := parseChange(c)
		kind, name, _ := strings.Cut(key, ":")
		if kind == "unique" && slices.ContainsFunc(changes, func(o string) bool { _, k, _ := parseChange(o); return k == "column:"+name }) {
			continue // the column's word says it
		}
		// A run of changes to one table names the table once.
		if t, column, ok := strings.Cut(name, "."); ok && t == table {
			name = column
		} else {
			table = t
			name = strings.ReplaceAll(name, ".", "_")
		}
		if kind == "unique" {
			name += "_unique"
		}
		switch op {
		case '-':
			name = "drop_" + name
		case '~':
			name += "_" + def
		}
		words = append(words, name)
	}
	slug := strings.Join(words, "_")
	if len(slug) > 48 {
		slug = strings.TrimRight(slug[:48], "_")
	}
	return fmt.Sprintf("%04d_%s", last+1, slug)
}

// migrationSteps are the files of m's history: the up and down file of each
// migration in migrations/<dialect>/, the layout golang-migrate reads and
// goose can adopt.
func migrationSteps(m *Model) []step {
	dialect := m.Storage.Dialect()
	var steps []step
	for i, mig := range m.migrations {
		for _, dir := range []string{"up", "down"} {
			name := "migrations/" + dialect + "/" + mig.Name + "." + dir + ".sql"
			steps = append(steps, step{path: m.Package + "/" + name, owner: Generated, render: func(m *Model) ([]byte, error) {
				return m.migrationFile(m.migrations[:i], mig, dir)
			}})
		}
	}
	return steps
}

// changeData is what a change's template reads: the model, the def the
// object had (From) and has (To), and for a column or an index its name
// (Name: "display_name" of "column:users.display_name").
type changeData struct {
	*Model
	From, To, Name string
}

// migrationFile is the up or down file of mig, which follows before: its
// recorded bytes, its baseline template, or its changes rendered from the
// store's templates/migrations/<dialect>/defs.tmpl.
func (m *Model) migrationFile(before []Migration, mig Migration, dir string) ([]byte, error) {
	if recorded := map[string][]byte{"up": mig.Up, "down": mig.Down}[dir]; recorded != nil {
		return recorded, nil
	}
	folder := "migrations/" + m.Storage.Dialect() + "/"
	if mig.baseline {
		return templates.Render(folder+mig.Name+"."+dir+".sql.tmpl", m)
	}
	state := foldHistory(before)
	type step struct{ change, from string }
	var steps []step
	for _, c := range mig.Changes {
		_, key, _ := parseChange(c)
		from := ""
		if i := slices.IndexFunc(state, func(o schemaObject) bool { return o.key == key }); i >= 0 {
			from = state[i].def
		}
		steps = append(steps, step{c, from})
		state = applyChange(state, c)
	}
	if dir == "down" { // the inverse changes, in reverse order
		slices.Reverse(steps)
		for i, s := range steps {
			op, key, def := parseChange(s.change)
			inverse := map[byte]byte{'+': '-', '-': '+', '~': '~'}[op]
			steps[i] = step{formatChange(inverse, key, s.from), def}
		}
	}
	var b bytes.Buffer
	b.WriteString("-- " + generatedHeader + "\n")
	for i, s := range steps {
		op, key, def := parseChange(s.change)
		out, err := renderChange(folder+templates.DefsFile, op, key, changeData{Model: m, From: s.from, To: def})
		if err != nil {
			return nil, fmt.Errorf("the %s SQL of the schema change %q: %w", m.Storage.Dialect(), s.change, err)
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.Write(out)
		b.WriteString("\n")
	}
	return b.Bytes(), nil
}

// renderChange renders the template of one change: the one defined for
// its key ("+table:login_failures"), or else the one for every object of
// its kind on its table ("+column:users.*"), which reads the object's name.
func renderChange(defs string, op byte, key string, data changeData) ([]byte, error) {
	out, ok, err := templates.RenderDefine(defs, string(op)+key, data)
	if ok || err != nil {
		return out, err
	}
	if table, name, found := strings.Cut(key, "."); found {
		data.Name = name
		out, ok, err = templates.RenderDefine(defs, string(op)+table+".*", data)
		if ok || err != nil {
			return out, err
		}
	}
	return nil, errors.New("no template defines it")
}

// historyLines are authgen.sum's record of m's history.
func historyLines(m *Model) string {
	if len(m.migrations) == 0 {
		return ""
	}
	dialect := m.Storage.Dialect()
	var b strings.Builder
	fmt.Fprintf(&b, "# Migrations of the %s store, in order, and what each changed; authgen adds the next and never rewrites one.\n", dialect)
	for _, mig := range m.migrations {
		fmt.Fprintf(&b, "migration %s %s %s\n", dialect, mig.Name, strings.Join(mig.Changes, " "))
	}
	return b.String()
}

// A migration's record in authgen.sum: its name, then its changes.
var (
	migrationName = regexp.MustCompile(`^[0-9]{4}_[a-z0-9_]{1,60}$`)
	changeRecord  = regexp.MustCompile(`^[-+~](table|column|unique|index):[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?(=[a-z0-9_]+)?$`)
)

// parseHistory reads the migrations of dialect that a manifest records. A
// line that authgen does not write stops it: names and changes become SQL
// and file names, and a hand-made record must not.
func parseHistory(manifest []byte, dialect string) ([]Migration, error) {
	var out []Migration
	for _, line := range strings.Split(string(manifest), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "migration" || f[1] != dialect {
			continue
		}
		valid := migrationName.MatchString(f[2]) && len(f) > 3
		for _, c := range f[3:] {
			valid = valid && changeRecord.MatchString(c)
		}
		if !valid {
			return nil, fmt.Errorf("%s records %q, which is not a migration that authgen writes: restore %s from version control", ManifestFile, clip(line), ManifestFile)
		}
		out = append(out, Migration{Name: f[2], Changes: f[3:]})
	}
	return out, nil
}

// ReadHistory reads, for the store of o, the schema history that the
// manifest at root records and the bytes of its migration files, which
// must be on disk as authgen wrote them. A manifest from before authgen
// recorded histories yields the baseline migrations it lists.
func ReadHistory(root string, o Options) ([]Migration, error) {
	dialect := storages[o.Storage].Dialect()
	if dialect == "" {
		return nil, nil
	}
	if _, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) {
		return nil, nil // authgen new's directory, made by Write
	}
	t, err := openTree(root)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	data, err := t.read(ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	sums := parseManifest(data)
	history, err := parseHistory(data, dialect)
	if err != nil {
		return nil, err
	}
	if len(history) == 0 {
		history = listedBaseline(sums, newModel(o, Target{}).schemaObjects(), dialect)
	}
	for i, mig := range history {
		for _, dir := range []string{"up", "down"} {
			p := recordedPath(sums, dialect, mig.Name+"."+dir+".sql")
			if p == "" {
				return nil, fmt.Errorf("%s records migration %s of the %s store, but not its %s file: restore %s from version control", ManifestFile, mig.Name, dialect, dir, ManifestFile)
			}
			cur, err := t.read(p)
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s is missing: a migration, once written, belongs to every database it ran on; restore it (git checkout -- %s)", p, p)
			}
			if err != nil {
				return nil, err
			}
			if digest(cur) != sums[p] {
				return nil, fmt.Errorf("%s was changed since authgen wrote it: a migration that may have run must not change; restore it (git checkout -- %s) and make schema changes of your own in migrations of your own", p, p)
			}
			if dir == "up" {
				history[i].Up = cur
			} else {
				history[i].Down = cur
			}
		}
	}
	return history, nil
}

// recordedPath is the path under which sums lists a migration file of
// dialect, wherever the package was.
func recordedPath(sums map[string]string, dialect, file string) string {
	for _, p := range sortedKeys(sums) {
		if strings.HasSuffix(p, "/migrations/"+dialect+"/"+file) {
			return p
		}
	}
	return ""
}

// listedBaseline is the history of a service generated before authgen
// recorded histories: the baseline migrations its manifest lists, with the
// defs the options give now.
func listedBaseline(sums map[string]string, want []schemaObject, dialect string) []Migration {
	var out []Migration
	for _, mig := range baselineFor(append(want, schemaObject{key: "table:login_failures"})) {
		if recordedPath(sums, dialect, mig.Name+".up.sql") != "" {
			mig.baseline = false
			out = append(out, mig)
		}
	}
	return out
}
