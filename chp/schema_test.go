package chp

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// firstPublishedSchema is the CHP v1 schema as first published, kept to
// show that giving its annotations accord names changed no verdict.
const firstPublishedSchema = "testdata/schema/chp-v1-first-published.json"

// stripAnnotations removes the keywords that were renamed ($id, title,
// examples) wherever they occur in a schema document.
func stripAnnotations(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if k == "$id" || k == "title" || k == "examples" {
				continue
			}
			out[k] = stripAnnotations(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = stripAnnotations(e)
		}
		return out
	}
	return v
}

// compileSchema compiles a schema document with formats asserted, as the
// package does, and returns its three entry points: the whole schema (a
// heartbeat or an ACK), heartbeatPacket and acknowledgementPacket.
func compileSchema(t *testing.T, doc []byte) [3]*jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(doc)))
	require.NoError(t, err)
	id := v.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource(id, v))
	var out [3]*jsonschema.Schema
	for i, frag := range []string{"", "#/$defs/heartbeatPacket", "#/$defs/acknowledgementPacket"} {
		out[i], err = c.Compile(id + frag)
		require.NoError(t, err)
	}
	return out
}

// TestSchemaValidationAsFirstPublished: chp-v1.json differs from the schema
// as first published only in $id, title and the examples, and both give the
// same verdict on every document of a corpus of valid packets and of their
// mutations (each member removed, nulled, retyped, emptied; unknown and
// case-folded members added).
func TestSchemaValidationAsFirstPublished(t *testing.T) {
	orig, err := os.ReadFile(firstPublishedSchema)
	require.NoError(t, err)
	var a, b any
	require.NoError(t, json.Unmarshal(orig, &a))
	require.NoError(t, json.Unmarshal(SchemaJSON(), &b))
	require.Equal(t, stripAnnotations(a), stripAnnotations(b), "chp-v1.json changed more than its annotations")
	require.NotEqual(t, a.(map[string]any)["$id"], b.(map[string]any)["$id"])
	assert.Equal(t, SchemaID, b.(map[string]any)["$id"])

	// The corpus: packets both schemas carry as examples, the test
	// heartbeats, the ACKs and heartbeats of the wire vectors.
	var base []map[string]any
	for _, doc := range []any{a, b} {
		defs := doc.(map[string]any)["$defs"].(map[string]any)
		for _, def := range []string{"heartbeatPacket", "acknowledgementPacket"} {
			for _, ex := range defs[def].(map[string]any)["examples"].([]any) {
				base = append(base, ex.(map[string]any))
			}
		}
	}
	add := func(raw []byte) {
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		base = append(base, m)
	}
	add([]byte(plainHeartbeat))
	add(testHB)
	vb, err := os.ReadFile(filepath.Join("testdata", "vectors", ackVectors))
	require.NoError(t, err)
	var acks []ackVector
	require.NoError(t, json.Unmarshal(vb, &acks))
	for _, v := range acks {
		add([]byte(v.Heartbeat))
		add([]byte(v.Ack))
	}
	var corpus []any
	for _, m := range base {
		corpus = append(corpus, m)
		for k := range m {
			for _, repl := range []any{nil, json.Number("1"), "", "x", map[string]any{}, []any{}, true} {
				c := clone(m)
				c[k] = repl
				corpus = append(corpus, c)
			}
			c := clone(m)
			delete(c, k)
			corpus = append(corpus, c)
			c = clone(m)
			c[strings.ToUpper(k[:1])+k[1:]] = m[k]
			corpus = append(corpus, c)
		}
		c := clone(m)
		c["extra"] = "x"
		corpus = append(corpus, c)
	}
	corpus = append(corpus, nil, "heartbeat", json.Number("0"), []any{}, map[string]any{})

	was, now := compileSchema(t, orig), compileSchema(t, SchemaJSON())
	verdicts := map[bool]int{}
	for _, doc := range corpus {
		for i := range was {
			before, after := was[i].Validate(doc) == nil, now[i].Validate(doc) == nil
			require.Equal(t, before, after, "entry point %d, document %v", i, doc)
			verdicts[after]++
		}
	}
	// Both verdicts occur often: the corpus exercises the schema.
	assert.Greater(t, verdicts[true], 50)
	assert.Greater(t, verdicts[false], 500)
}

func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// TestDocShowsSchema: the package doc carries the full text of chp-v1.json,
// line for line.
func TestDocShowsSchema(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(src), "// # The chp-v1 schema\n")
	require.True(t, ok, "doc.go has no chp-v1 schema section")
	var lines []string
	for _, l := range strings.Split(section, "\n") {
		if code, ok := strings.CutPrefix(l, "//\t"); ok {
			lines = append(lines, code)
		}
	}
	assert.Equal(t, strings.TrimRight(string(SchemaJSON()), "\n"), strings.Join(lines, "\n"))
}
