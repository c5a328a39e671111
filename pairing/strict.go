package pairing

import "github.com/accordsdk/accord/internal/strictjson"

// decodeStrict decodes one JSON document into v with the module's strict
// reader: no unknown, duplicate or case-folded member names, I-JSON numbers,
// no trailing data.
func decodeStrict(b []byte, v any) error {
	return strictjson.Unmarshal(b, v, strictjson.MaxSize(MaxPacket))
}
