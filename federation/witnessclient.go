package federation

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accordsdk/accord/checkpoint"
)

// WitnessClient submits checkpoints to a c2sp.org/tlog-witness witness
// (accord's [Witness] or any other) and checks the cosignature it returns.
type WitnessClient struct {
	// URL is the witness's submission prefix; the client posts to
	// URL + "/add-checkpoint".
	URL string
	// Witness verifies the witness's cosignatures (see
	// [checkpoint.NewCosignatureVerifier], [checkpoint.ParseVerifierKey]).
	Witness note.Verifier
	// HTTP is the client to use; nil means http.DefaultClient.
	HTTP *http.Client
}

// Submit asks the witness to cosign signed, a checkpoint of the log that
// log verifies. proofFrom returns the consistency proof from an older size
// to the checkpoint's size. The client first submits from oldSize (its last
// knowledge of the witness's state, 0 if none); if the witness answers that
// it holds another size, the client submits again from that size, once.
// It returns the checkpoint with the witness's cosignature added and the
// size the witness now holds.
func (c *WitnessClient) Submit(ctx context.Context, signed []byte, log note.Verifier, oldSize uint64, proofFrom func(old uint64) (tlog.TreeProof, error)) ([]byte, error) {
	cp, _, err := checkpoint.Verify(signed, log)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if oldSize > cp.Size {
			return nil, fmt.Errorf("%w: witness holds size %d, above the checkpoint's %d", ErrFork, oldSize, cp.Size)
		}
		var proof tlog.TreeProof
		if oldSize > 0 && oldSize < cp.Size {
			if proof, err = proofFrom(oldSize); err != nil {
				return nil, err
			}
		}
		line, err := c.add(ctx, oldSize, proof, signed)
		if cerr, ok := err.(*ConflictError); ok && attempt == 0 {
			oldSize = cerr.Size
			continue
		}
		if err != nil {
			return nil, err
		}
		cosigned := append(bytes.Clone(signed), line...)
		if _, _, err := checkpoint.VerifyCosigned(cosigned, log, []note.Verifier{c.Witness}, 1); err != nil {
			return nil, fmt.Errorf("federation: witness %s returned a cosignature that does not verify: %w", c.Witness.Name(), err)
		}
		return cosigned, nil
	}
}

// add makes one add-checkpoint request and returns the signature lines.
func (c *WitnessClient) add(ctx context.Context, oldSize uint64, proof tlog.TreeProof, signed []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.URL, "/")+"/add-checkpoint", bytes.NewReader(MarshalAddCheckpoint(oldSize, proof, signed)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("federation: witness %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("federation: witness %s: %w", c.URL, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		// Keep only the lines by this witness.
		var out []byte
		for _, l := range bytes.SplitAfter(body, []byte("\n")) {
			if bytes.HasPrefix(l, []byte("— "+c.Witness.Name()+" ")) && bytes.HasSuffix(l, []byte("\n")) {
				out = append(out, l...)
			}
		}
		if out == nil {
			return nil, fmt.Errorf("federation: witness %s answered without a signature line by %s", c.URL, c.Witness.Name())
		}
		return out, nil
	case http.StatusConflict:
		n, err := strconv.ParseUint(strings.TrimSuffix(string(body), "\n"), 10, 63)
		if err != nil || resp.Header.Get("Content-Type") != "text/x.tlog.size" {
			return nil, &RemoteError{Status: resp.StatusCode, Code: "conflict", Message: string(body)}
		}
		return nil, &ConflictError{Size: n}
	case http.StatusNotFound:
		return nil, fmt.Errorf("%w: witness %s: %s", ErrUnknownLog, c.URL, strings.TrimSpace(string(body)))
	case http.StatusForbidden:
		return nil, fmt.Errorf("%w: witness %s: %s", checkpoint.ErrBadSignature, c.URL, strings.TrimSpace(string(body)))
	case http.StatusUnprocessableEntity:
		return nil, fmt.Errorf("%w: witness %s: %s", ErrBadProof, c.URL, strings.TrimSpace(string(body)))
	}
	return nil, &RemoteError{Status: resp.StatusCode, Code: http.StatusText(resp.StatusCode), Message: strings.TrimSpace(string(body))}
}
