package chp

import (
	"bytes"
	"crypto/sha256"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/internal/jcs"
)

// checkTypedReading compares the typed reading of a plain heartbeat with
// the general path (generic parse, the JSON Schema validator, the
// canonicalizer) on b. The typed reading may only accept what the general
// path accepts, with the same heartbeat and the digest of jcs.Canonicalize's
// form; it may decline a valid heartbeat only for the spellings its doc
// leaves to the general path. It returns whether each path accepted.
func checkTypedReading(t *testing.T, b []byte) (typed, general bool) {
	t.Helper()
	wh, wd, metaLen, typed := decodeHeartbeatWire(b, maxDepth)
	gh, gd, err := readHeartbeatGeneral(b)
	general = err == nil
	if typed {
		require.True(t, general, "typed reading accepted %q, general path refused it: %v", b, err)
		require.Equal(t, gh, wh, "%q", b)
		require.Equal(t, gd, wd, "%q", b)
		canon, err := jcs.Canonicalize(b)
		require.NoError(t, err)
		require.Equal(t, sha256.Sum256(canon), wd, "digest is not of the RFC 8785 form of %q", b)
		wantMeta := 0
		if wh.Meta != nil {
			mc, err := appendCanonical(nil, wh.Meta)
			require.NoError(t, err)
			wantMeta = len(mc)
		}
		require.Equal(t, wantMeta, metaLen, "canonical length of meta in %q", b)
	}
	if general && !typed {
		doc, err := parseStrict(b)
		require.NoError(t, err)
		m := doc.(map[string]any)
		ts, _ := m["timestamp"].(string)
		u, err := url.Parse(m["home_uri"].(string))
		require.NoError(t, err)
		unusual := bytes.IndexByte(b, '\\') >= 0 || !isDateTime(ts) || strings.Contains(u.Hostname(), ":")
		require.True(t, unusual, "typed reading declined the valid heartbeat %q", b)
	}
	// readHeartbeat, what DecodeHeartbeat and the registry use, is the
	// typed reading with the general path behind it.
	h, d, err := readHeartbeat(b)
	if general {
		require.NoError(t, err)
		require.Equal(t, gh, h)
		require.Equal(t, gd, d)
	} else {
		require.Error(t, err)
	}
	return typed, general
}

// TestTypedHeartbeatReading: the typed reading of a plain heartbeat agrees
// with chp-v1.json as the JSON Schema validator reads it, member by member,
// on the edges of each constraint.
func TestTypedHeartbeatReading(t *testing.T) {
	base := map[string]string{
		"packet": `"heartbeat"`, "instance_id": `"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11"`,
		"home_uri": `"https://registry.example/registry/heartbeat"`, "version": `"2025.11.03"`,
		"license_hash":     `"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"`,
		"ethics_signature": `"charter:v1"`, "status": `"coherent"`, "timestamp": `"2026-11-22T04:43:53Z"`,
	}
	// doc writes base with the member name set to value ("" removes it),
	// members in a fixed, unsorted order.
	doc := func(name, value string) []byte {
		var b strings.Builder
		b.WriteString("{")
		first, done := true, false
		for _, k := range []string{"status", "instance_id", "packet", "home_uri", "version", "license_hash", "ethics_signature", "timestamp", "homebase_token", "meta", name} {
			v, ok := base[k]
			if k == name {
				if done {
					continue
				}
				v, ok, done = value, value != "", true
			}
			if !ok {
				continue
			}
			if !first {
				b.WriteString(",")
			}
			first = false
			b.WriteString(`"` + k + `":` + v)
		}
		b.WriteString("}")
		return []byte(b.String())
	}
	const (
		both     = "both"    // typed reading and general path accept
		general  = "general" // only the general path accepts (an unusual spelling)
		refused  = "refused" // both refuse
		sha      = `"sha256:0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789"`
		upperSha = `"SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"`
	)
	cases := []struct {
		member, value, want string
	}{
		{"", "", both},
		{"packet", "", both},
		{"packet", `"heartbeat "`, refused},
		{"packet", `""`, refused},
		{"packet", `null`, refused},
		{"packet", `"ack"`, refused},
		{"packet", `"h\u0065artbeat"`, general},
		{"instance_id", "", refused},
		{"instance_id", `"3EC2F1E0-2D31-4594-8D7B-8B9D8B2F2A11"`, both},
		{"instance_id", `"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a1"`, refused},
		{"instance_id", `"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a1g"`, refused},
		{"instance_id", `"3ec2f1e02d31-4594-8d7b-8b9d8b2f2a11-"`, refused},
		{"instance_id", `"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11\n"`, refused},
		{"instance_id", `7`, refused},
		{"home_uri", `"urn:accord:registry"`, both},
		{"home_uri", `"/registry/heartbeat"`, refused},
		{"home_uri", `"registry.example"`, refused},
		{"home_uri", `"http://[::1]:8080/registry"`, general},
		{"home_uri", `"http://[::1:8080/registry"`, refused},
		{"home_uri", `"http://a b/"`, refused},
		{"home_uri", `"https://registry.example/%zz"`, refused},
		{"home_uri", `""`, refused},
		{"version", `""`, both},
		{"version", `2025`, refused},
		{"version", "", refused},
		{"license_hash", sha, both},
		{"license_hash", upperSha, refused},
		{"license_hash", `"sha256:abc"`, refused},
		{"ethics_signature", `""`, refused},
		{"ethics_signature", `"\u00e9"`, both},
		{"ethics_signature", `"é"`, both},
		{"ethics_signature", `null`, refused},
		{"homebase_token", sha, both},
		{"homebase_token", `""`, refused},
		{"homebase_token", `null`, refused},
		{"homebase_token", upperSha, refused},
		{"homebase_token", `"sha256:\u0030123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789"`, general},
		{"status", `"quiet"`, both},
		{"status", `"Coherent"`, refused},
		{"status", `"unknown"`, refused},
		{"timestamp", `"2026-11-22T04:43:53.123456789+05:30"`, both},
		{"timestamp", `"2026-11-22T04:43:53-00:00"`, both},
		{"timestamp", `"2024-02-29T23:59:59Z"`, both},
		{"timestamp", `"2026-02-29T00:00:00Z"`, refused},
		{"timestamp", `"2026-11-22t04:43:53Z"`, refused},
		{"timestamp", `"2026-11-22T04:43:53z"`, refused},
		{"timestamp", `"2016-12-31T23:59:60Z"`, refused},
		{"timestamp", `"2026-11-22T24:00:00Z"`, refused},
		{"timestamp", `"2026-11-22T04:43:53.Z"`, refused},
		{"timestamp", `"2026-11-22T04:43:53+24:00"`, refused},
		{"timestamp", `"2026-11-22 04:43:53Z"`, refused},
		{"timestamp", `"2026-11-22T04:43:53"`, refused},
		{"meta", `{}`, both},
		{"meta", `null`, refused},
		{"meta", `[]`, refused},
		{"meta", `{"client":"c","hostname":"h","os":"o","sandbox":true,"n":1.50,"deep":{"z":[1e2,"\u00e9"],"a":null}}`, both},
		{"meta", `{"client":1}`, refused},
		{"meta", `{"os":null}`, refused},
		{"meta", `{"a":1,"a":2}`, refused},
		{"meta", `{"a":1,"\u0061":2}`, refused},
		{"Packet", `"heartbeat"`, refused},
		{"payload", `{}`, refused},
		{"extra", `1`, refused},
	}
	for _, tt := range cases {
		b := doc(tt.member, tt.value)
		typed, gen := checkTypedReading(t, b)
		got := refused
		switch {
		case typed:
			got = both
		case gen:
			got = general
		}
		assert.Equal(t, tt.want, got, "%s", b)
	}
	// Not objects, several values, white space and member order.
	for _, s := range []string{`[]`, `"x"`, `null`, ``, `{}`, string(doc("", "")) + ` {}`, " \n" + string(doc("", "")) + "\t "} {
		checkTypedReading(t, []byte(s))
	}
	typed, _ := checkTypedReading(t, []byte(plainHeartbeat))
	assert.True(t, typed, "the typed reading takes a plain heartbeat with every member")
}

// FuzzReadHeartbeat: on any input the typed reading of a plain heartbeat
// agrees with the general path (see checkTypedReading).
func FuzzReadHeartbeat(f *testing.F) {
	f.Add([]byte(plainHeartbeat))
	f.Add(testHB)
	f.Add([]byte(`{"packet":"h\u0065artbeat","instance_id":"3EC2F1E0-2D31-4594-8D7B-8B9D8B2F2A11","home_uri":"http://[::1]/","version":"","license_hash":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","ethics_signature":"x","status":"quiet","timestamp":"2016-12-31T23:59:60Z","meta":{"n":-0.0}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkTypedReading(t, b)
	})
}

// BenchmarkReadHeartbeat: the typed reading of a plain heartbeat beside the
// general path it replaces on the registry's hot path.
func BenchmarkReadHeartbeat(b *testing.B) {
	body := []byte(plainHeartbeat)
	b.Run("typed", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, _, _, ok := decodeHeartbeatWire(body, maxDepth); !ok {
				b.Fatal("declined")
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, _, err := readHeartbeatGeneral(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// uriByParsing is isURI without its shortcut.
func uriByParsing(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.IsAbs() && !strings.Contains(u.Hostname(), ":")
}

// TestPlainHTTPURI: the shortcut of isURI takes only URIs that parsing
// takes too, and the usual registry addresses.
func TestPlainHTTPURI(t *testing.T) {
	for _, s := range []string{"http://127.0.0.1:8080/registry/heartbeat", "https://registry.example/registry/heartbeat",
		"https://Registry.Example", "http://a-b.c-d", "http://h:1/", "https://h/a/b~c_d.e-f/"} {
		if isPlainHTTPURI(s) != uriByParsing(s) || !isURI(s) {
			t.Errorf("%q: shortcut %v, parsing %v", s, isPlainHTTPURI(s), uriByParsing(s))
		}
	}
	for _, s := range []string{"", "http://", "https://:80/", "http://h:/", "http://h:123456/", "http://h?x", "http://h#f",
		"http://h/%20", "http://h/a b", "http://[::1]/", "http://u@h/", "HTTP://h/", "ftp://h/", "http:/h", "http://h\n/"} {
		if isPlainHTTPURI(s) {
			t.Errorf("%q taken by the shortcut", s)
		}
	}
}

// FuzzPlainHTTPURI: whatever the shortcut of isURI takes, parsing takes.
func FuzzPlainHTTPURI(f *testing.F) {
	f.Add("http://127.0.0.1:8080/registry/heartbeat")
	f.Add("https://h:0/~")
	f.Fuzz(func(t *testing.T, s string) {
		if isPlainHTTPURI(s) && !uriByParsing(s) {
			t.Fatalf("%q taken by the shortcut, refused by parsing", s)
		}
	})
}
