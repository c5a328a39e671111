package chp

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaJSON is the embedded schema behind [SchemaJSON]; a string, so no
// caller can change what validation reads.
//
//go:embed chp-v1.json
var schemaJSON string

// SchemaJSON returns the CHP v1 JSON Schema (draft 2020-12) that every
// heartbeat received and every ACK produced is validated against: the file
// chp-v1.json of this package. Its validation keywords are those of the
// CHP v1 schema as first published; only its annotations ($id, title, the
// examples) name accord, so every document it accepts or refuses is
// accepted or refused as before. Each call returns a fresh copy.
func SchemaJSON() []byte { return []byte(schemaJSON) }

// SchemaID is the $id of [SchemaJSON]: the address of chp-v1.json in the
// module's repository, where it can be fetched. A Local Registry names it
// as "schema" in GET /registry/info. Its $refs are all local
// ("#/$defs/..."), so validation does not depend on it.
const SchemaID = "https://raw.githubusercontent.com/accordsdk/accord/main/chp/chp-v1.json"

type compiledSchemas struct {
	heartbeat, ack *jsonschema.Schema
}

var schemas = sync.OnceValue(func() compiledSchemas {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schemaJSON))
	if err != nil {
		panic("chp: embedded schema: " + err.Error())
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SchemaID, doc); err != nil {
		panic("chp: embedded schema: " + err.Error())
	}
	return compiledSchemas{
		heartbeat: c.MustCompile(SchemaID + "#/$defs/heartbeatPacket"),
		ack:       c.MustCompile(SchemaID + "#/$defs/acknowledgementPacket"),
	}
})

// SchemaError reports a packet that is well-formed JSON but does not
// validate against [SchemaJSON]. It matches [ErrSchema] with errors.Is.
type SchemaError struct {
	Packet string // "heartbeat" or "ack"
	Detail string // the validator's explanation, with the failing location
}

// Error says which packet failed and where.
func (e *SchemaError) Error() string {
	return fmt.Sprintf("chp: %s does not match chp-v1.json: %s", e.Packet, e.Detail)
}

// Is reports whether target is [ErrSchema].
func (e *SchemaError) Is(target error) bool { return target == ErrSchema }

// validate checks doc, a value from [parseStrict], against the schema for
// packet kind.
func validate(kind string, doc any) error {
	sch := schemas().heartbeat
	if kind == "ack" {
		sch = schemas().ack
	}
	if err := sch.Validate(doc); err != nil {
		var ve *jsonschema.ValidationError
		detail := err.Error()
		if errors.As(err, &ve) {
			detail = flattenValidation(ve)
		}
		return &SchemaError{Packet: kind, Detail: detail}
	}
	return nil
}

var english = message.NewPrinter(language.English)

// flattenValidation renders the innermost causes of a validation error on
// one line: "/instance_id: does not match pattern ...".
func flattenValidation(ve *jsonschema.ValidationError) string {
	var parts []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			loc := "/" + strings.Join(e.InstanceLocation, "/")
			parts = append(parts, loc+": "+e.ErrorKind.LocalizedString(english))
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	if len(parts) > 4 {
		parts = append(parts[:4], fmt.Sprintf("and %d more", len(parts)-4))
	}
	return strings.Join(parts, "; ")
}
