package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/packages"
)

// Wiring mounts the generated routes in an existing service: the statements
// to add after the router is created, and the imports they need. init
// prints it, or with --wire inserts it with Wire.
func Wiring(req Request, router string) (code string, imports []string) {
	m := newModel(req.Options, req.Target)
	code = fmt.Sprintf(`authService, err := %[1]s.FromEnv(context.Background())
if err != nil {
	log.Fatalf("auth: %%v", err)
}
defer authService.Close()
authService.Mount(%[2]s)
`, m.PkgName, router)
	return code, []string{"context", "log", m.PkgPath}
}

// ErrWired means the file already imports the generated package: a second
// init leaves the wiring as it is.
var ErrWired = errors.New("already wired")

// WireError explains why Wire left a file alone.
type WireError struct{ Reason string }

func (e *WireError) Error() string { return e.Reason }

// CheckWireFile refuses a file to wire that is outside root, reached
// through a symbolic link, or not a regular file, before anything is
// loaded or written; a missing one is no error (Wire then says so).
func CheckWireFile(root, abs string) error {
	rel, err := filepath.Rel(root, abs)
	if err != nil || !filepath.IsLocal(rel) {
		return &UnsafePathError{abs, "the file to wire must be inside the module"}
	}
	if _, err := ReadFile(root, filepath.ToSlash(rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Wire inserts the wiring into file (a path under the target root) after the
// one variable of the framework's router type that a function there
// declares, and after the middleware that function then adds to it (chi
// refuses middleware after routes). It loads the package with go/packages
// to know the variables' types. The file is returned, not written.
func Wire(req Request, file string) (router string, src []byte, err error) {
	m := newModel(req.Options, req.Target)
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", nil, err
	}
	if err := CheckWireFile(req.Target.Root, abs); err != nil {
		return "", nil, err
	}
	// cgo off: loading the package must not run a C compiler on the
	// repository's code (a cgo preamble can #include any file).
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
		Dir:  filepath.Dir(abs),
		Env:  append(os.Environ(), "CGO_ENABLED=0"),
	}, ".")
	if err != nil {
		return "", nil, err
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		return "", nil, &WireError{fmt.Sprintf("%s does not type-check, so its router cannot be found: %v", file, packageErrors(pkgs))}
	}
	pkg := pkgs[0]
	i := slices.Index(pkg.CompiledGoFiles, abs)
	if i < 0 {
		return "", nil, &WireError{fmt.Sprintf("%s is not part of the package in its directory", file)}
	}
	syntax := pkg.Syntax[i]
	for _, imp := range syntax.Imports {
		if strings.Trim(imp.Path.Value, `"`) == m.PkgPath {
			return "", nil, ErrWired
		}
	}
	types := m.Framework.RouterTypes(req.Target)
	found := findRouters(pkg.Fset, syntax, pkg.TypesInfo, types)
	switch len(found) {
	case 0:
		return "", nil, &WireError{fmt.Sprintf("found no variable of type %s in %s", strings.Join(types, " or "), filepath.Base(file))}
	case 1:
	default:
		var names []string
		for _, f := range found {
			names = append(names, fmt.Sprintf("%s (line %d)", f.name, pkg.Fset.Position(f.decl.Pos()).Line))
		}
		return "", nil, &WireError{fmt.Sprintf("found several routers in %s: %s; add the lines yourself after the one that serves the API", filepath.Base(file), strings.Join(names, ", "))}
	}
	r := found[0]
	rel, err := filepath.Rel(req.Target.Root, abs)
	if err != nil {
		return "", nil, err
	}
	original, err := ReadFile(req.Target.Root, filepath.ToSlash(rel))
	if err != nil {
		return "", nil, err
	}
	at := pkg.Fset.Position(r.after.End()).Offset
	code, imports := Wiring(req, r.name)
	var b bytes.Buffer
	b.Write(original[:at])
	b.WriteString("\n\n" + code)
	b.Write(original[at:])
	src, err = addImports(b.Bytes(), imports)
	return r.name, src, err
}

type routerVar struct {
	name  string
	decl  ast.Stmt // where it is declared
	after ast.Stmt // the statement to insert after
}

// findRouters lists the router variables declared by the top-level
// statements of the file's functions (closure parameters do not count).
func findRouters(fset *token.FileSet, f *ast.File, info *types.Info, routerTypes []string) []routerVar {
	var out []routerVar
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		for i, stmt := range fn.Body.List {
			for _, id := range declaredIdents(stmt) {
				obj := info.Defs[id]
				if obj == nil || !slices.Contains(routerTypes, types.TypeString(obj.Type(), nil)) {
					continue
				}
				rv := routerVar{name: id.Name, decl: stmt, after: stmt}
				for _, later := range fn.Body.List[i+1:] {
					if callsMethod(later, id.Name, "Use") {
						rv.after = later
					}
				}
				out = append(out, rv)
			}
		}
	}
	return out
}

func declaredIdents(stmt ast.Stmt) []*ast.Ident {
	var ids []*ast.Ident
	switch s := stmt.(type) {
	case *ast.AssignStmt:
		if s.Tok == token.DEFINE {
			for _, l := range s.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					ids = append(ids, id)
				}
			}
		}
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, spec := range g.Specs {
				ids = append(ids, spec.(*ast.ValueSpec).Names...)
			}
		}
	}
	return ids
}

// callsMethod reports whether stmt is the call recv.method(...).
func callsMethod(stmt ast.Stmt, recv, method string) bool {
	es, ok := stmt.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != method {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == recv
}

func addImports(src []byte, paths []string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		astutil.AddImport(fset, f, p)
	}
	var b bytes.Buffer
	if err := format.Node(&b, fset, f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func packageErrors(pkgs []*packages.Package) error {
	var errs []error
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, e)
		}
	})
	return errors.Join(errs...)
}
