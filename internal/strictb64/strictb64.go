// Package strictb64 decodes base64 in its one canonical spelling.
//
// The standard library's decoder, even in strict mode
// ([encoding/base64.Encoding.Strict]), skips carriage returns and line
// feeds anywhere in its input, so "AAAA\r\nAAAA" and "AAAAAAAA" decode to
// the same bytes. A wire format that signs, hashes, deduplicates or compares
// encoded text needs each byte string to have exactly one spelling. The
// functions here accept only the text that encoding the result would
// produce: no CR or LF, padding bits zero, and padding exactly as the
// encoding writes it ("=" to a multiple of four characters for [Std], none
// for [RawURL]). Any other input is refused with a
// [encoding/base64.CorruptInputError] giving the offset of the first
// offending character.
package strictb64

import "encoding/base64"

var (
	std    = base64.StdEncoding.Strict()
	rawURL = base64.RawURLEncoding.Strict()
)

// Std decodes s as padded standard base64 (RFC 4648 section 4).
func Std(s string) ([]byte, error) {
	if i := lineBreak(s); i >= 0 {
		return nil, base64.CorruptInputError(i)
	}
	return std.DecodeString(s)
}

// RawURL decodes s as unpadded base64url (RFC 4648 section 5).
func RawURL(s string) ([]byte, error) {
	if i := lineBreak(s); i >= 0 {
		return nil, base64.CorruptInputError(i)
	}
	return rawURL.DecodeString(s)
}

// AppendStd appends the decoding of src, padded standard base64, to dst.
// On error dst is returned unchanged.
func AppendStd(dst, src []byte) ([]byte, error) {
	return appendDecode(std, dst, src)
}

// AppendRawURL appends the decoding of src, unpadded base64url, to dst. On
// error dst is returned unchanged.
func AppendRawURL(dst, src []byte) ([]byte, error) {
	return appendDecode(rawURL, dst, src)
}

func appendDecode(enc *base64.Encoding, dst, src []byte) ([]byte, error) {
	if i := lineBreak(src); i >= 0 {
		return dst, base64.CorruptInputError(i)
	}
	out, err := enc.AppendDecode(dst, src)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// lineBreak returns the offset of the first CR or LF in s, or -1.
func lineBreak[T string | []byte](s T) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			return i
		}
	}
	return -1
}
