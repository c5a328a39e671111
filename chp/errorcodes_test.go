package chp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorCodeTableMatchesCode: the error-code table of the package
// documentation lists exactly the (status, code) pairs the package's code
// can answer with. The pairs are read from the source: calls of reject,
// rejectHB and writeError with a literal status and code, assignments of a
// code and a status together, and literal JSON error bodies.
func TestErrorCodeTableMatchesCode(t *testing.T) {
	statuses := map[string]int{}
	for s := 100; s < 600; s++ {
		if text := http.StatusText(s); text != "" {
			statuses["Status"+strings.NewReplacer(" ", "", "-", "", "'", "").Replace(text)] = s
		}
	}
	statuses["StatusRequestEntityTooLarge"] = http.StatusRequestEntityTooLarge
	status := func(e ast.Expr) int {
		if sel, ok := e.(*ast.SelectorExpr); ok {
			if n, ok := statuses[sel.Sel.Name]; ok {
				return n
			}
		}
		return 0
	}
	literal := func(e ast.Expr) (string, bool) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(lit.Value)
		return s, err == nil
	}
	inCode := map[string]bool{}
	add := func(st int, code string) {
		if st != 0 && regexp.MustCompile(`^[a-z_]+$`).MatchString(code) {
			inCode[strconv.Itoa(st)+" "+code] = true
		}
	}
	bodyCode := regexp.MustCompile(`"code":"([a-z_]+)"`)
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = f.Sel.Name
				}
				for i := 0; i+1 < len(n.Args) && (fn == "reject" || fn == "rejectHB" || fn == "writeError"); i++ {
					if code, ok := literal(n.Args[i+1]); ok {
						add(status(n.Args[i]), code)
					}
				}
			case *ast.AssignStmt:
				// code, status := "read_failed", http.StatusBadRequest
				if len(n.Lhs) == 2 && len(n.Rhs) == 2 {
					if code, ok := literal(n.Rhs[0]); ok {
						add(status(n.Rhs[1]), code)
					}
				}
				// status, b = http.StatusInternalServerError, []byte(`{..."code":"internal"}`)
				if len(n.Rhs) == 2 {
					if call, ok := n.Rhs[1].(*ast.CallExpr); ok && len(call.Args) == 1 {
						if body, ok := literal(call.Args[0]); ok {
							for _, m := range bodyCode.FindAllStringSubmatch(body, -1) {
								add(status(n.Rhs[0]), m[1])
							}
						}
					}
				}
			}
			return true
		})
	}
	// rejectFor maps errors to codes through reject calls, seen above.
	require.Contains(t, inCode, "401 bad_key")

	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	inDoc := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^//\t([1-5][0-9][0-9]) ([a-z_]+) `).FindAllStringSubmatch(string(doc), -1) {
		inDoc[m[1]+" "+m[2]] = true
	}
	for k := range inCode {
		assert.True(t, inDoc[k], "the code answers %q; the package doc's table does not list it", k)
	}
	for k := range inDoc {
		assert.True(t, inCode[k], "the package doc lists %q; no code answers it", k)
	}
}
