package chp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigurationDocMatchesCommands: the Configuration section of the
// package documentation lists, for each call-home command, exactly the
// flags that have an environment variable as their fallback, each with
// that variable; so does chp-instance's own doc comment. The pairs are read
// from the commands' source: calls f.<Kind>(&o.x, "flag", ...).Env(VAR).
func TestConfigurationDocMatchesCommands(t *testing.T) {
	consts := map[string]string{"EnvHomeURI": EnvHomeURI, "EnvRegistryKey": EnvRegistryKey, "EnvSandbox": EnvSandbox, "EnvRootKey": EnvRootKey}
	fromCode := func(cmd string) map[string]string {
		t.Helper()
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, filepath.Join("..", "examples", cmd, "main.go"), nil, 0)
		require.NoError(t, err)
		pairs := map[string]string{}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 1 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Env" {
				return true
			}
			def, ok := sel.X.(*ast.CallExpr)
			if !ok || len(def.Args) < 2 {
				return true
			}
			lit, ok := def.Args[1].(*ast.BasicLit)
			require.True(t, ok, "%s: a flag name that is not a literal", cmd)
			flag, _ := strconv.Unquote(lit.Value)
			var env string
			switch a := call.Args[0].(type) {
			case *ast.BasicLit:
				env, _ = strconv.Unquote(a.Value)
			case *ast.SelectorExpr:
				env = consts[a.Sel.Name]
			}
			require.NotEmpty(t, env, "%s -%s: environment variable not resolved", cmd, flag)
			pairs[flag] = env
			return true
		})
		require.NotEmpty(t, pairs, cmd)
		return pairs
	}
	pair := regexp.MustCompile(`-([a-z][a-z-]*) (CHP_[A-Z_]+)`)
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(src), "// The example commands take every setting")
	require.True(t, ok)
	section, _, ok = strings.Cut(section, "// # Commands")
	require.True(t, ok)
	inDoc := map[string]map[string]string{}
	cmd := ""
	for _, line := range strings.Split(section, "\n") {
		line = strings.TrimPrefix(line, "//\t")
		if name, _, _ := strings.Cut(line, " "); regexp.MustCompile(`^[a-z][a-z-]+$`).MatchString(name) && strings.Contains(line, " -") {
			cmd = name
		}
		for _, m := range pair.FindAllStringSubmatch(line, -1) {
			require.NotEmpty(t, cmd, "a pair before any command: %q", line)
			if inDoc[cmd] == nil {
				inDoc[cmd] = map[string]string{}
			}
			inDoc[cmd][m[1]] = m[2]
		}
	}
	for _, c := range []string{"chp-instance", "chp-registry", "registry-export", "registry-import"} {
		assert.Equal(t, fromCode(c), inDoc[c], "%s: the Configuration section and the command's flags", c)
	}
	assert.Len(t, inDoc, 4, "no other command in the section")

	// chp-instance's doc comment lists its variables in a table.
	main, err := os.ReadFile(filepath.Join("..", "examples", "chp-instance", "main.go"))
	require.NoError(t, err)
	comment, _, _ := strings.Cut(string(main), "package main")
	table := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^//\s+-([a-z-]+)\s+(CHP_[A-Z_]+)`).FindAllStringSubmatch(comment, -1) {
		table[m[1]] = m[2]
	}
	assert.Equal(t, fromCode("chp-instance"), table, "chp-instance's doc comment")
}
