// Package strictjson decodes JSON documents into Go values with the rules
// every wire and configuration format of the module shares, so that a
// document is read the same way wherever it arrives.
//
// [Unmarshal] accepts the Go values encoding/json accepts (structs with json
// tags, maps, slices, arrays, strings, numbers, booleans, pointers,
// interfaces, [encoding/json.RawMessage], [encoding/json.Unmarshaler] and
// [encoding.TextUnmarshaler]) and is stricter in these ways:
//
//   - The input must be I-JSON (RFC 7493) as internal/jcs reads it: valid
//     UTF-8, no unpaired surrogate escapes, numbers that are finite doubles,
//     and no integer beyond ±(2^53-1) that RFC 8785 canonicalization would
//     change. Strings and numbers are read by the jcs scanner, so this
//     package and the canonicalizer accept exactly the same tokens.
//   - Member names are compared after unescaping and exactly (no case
//     folding): "\u0070ayload" is the member payload, "Payload" is not.
//   - A member name that occurs twice in one object is [ErrDuplicate],
//     anywhere in the document, including inside values kept as raw JSON.
//   - A member that matches no struct field is [ErrUnknown], unless
//     [AllowUnknown] is given; allowed unknown members are still checked.
//   - A struct field tagged strictjson:"required" must be present and not
//     null, or the document is [ErrMissing].
//   - null is accepted only for pointers, interfaces, maps, slices,
//     [encoding/json.RawMessage] and types with their own UnmarshalJSON; a
//     null string, number, boolean, array or struct is [ErrType].
//   - Integers must be written as integers (no fraction or exponent) and fit
//     the Go type; arrays must have exactly the Go array's length; []byte
//     is padded standard base64 with zero padding bits and no CR or LF (an
//     escaped "\r" or "\n" inside is refused, not skipped).
//   - Anything but whitespace after the value is [ErrTrailing]; nesting is
//     bounded by [MaxDepth] (default [DefaultMaxDepth]) and the input by
//     [MaxSize] (default [DefaultMaxSize]).
//
// Every failure is an *[Error] naming the JSON path of the offending member
// (for example "strictjson: $.payload.nonce: duplicate member"), the byte
// offset, and one of the sentinel errors of this package; the errors of
// internal/jcs and of Unmarshal methods are wrapped too.
//
// The decoder walks the input once and writes straight into the Go value;
// there is no intermediate tree and no second parse by encoding/json.
package strictjson
