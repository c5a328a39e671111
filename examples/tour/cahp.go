package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/accordsdk/accord/cahp"
	"github.com/accordsdk/accord/envelope"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

func init() { register(50, "cahp", tourCAHP) }

// tourCAHP runs the cross-architecture handshake on loopback: an
// open-weight responder behind an HTTP server lets in a metabolic initiator
// that burns on a simulated chain; the responder reads the burn back through
// a 2-of-2 quorum with confirmations, both sides check each other's proof,
// derive the same session key, and the ticket verifies until the
// initiator's key is unpinned.
func tourCAHP(ctx context.Context, r *report) error {
	_, initPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	_, respPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	initKey, respKey := envelope.NewEd25519Signer(initPriv), envelope.NewEd25519Signer(respPriv)
	initPeers, respPeers := envelope.NewKeyRing(), envelope.NewKeyRing()
	if err := initPeers.Add(respKey.PublicKey()); err != nil {
		return err
	}
	if err := respPeers.Add(initKey.PublicKey()); err != nil {
		return err
	}

	// The open-weight agent's model, committed once.
	dir := filepath.Join(r.dir, "model")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	weights := make([]byte, 4<<20)
	for i := range weights {
		weights[i] = byte(i*131 + i>>12)
	}
	if err := os.WriteFile(filepath.Join(dir, "weights.bin"), weights, 0o600); err != nil {
		return err
	}
	model, err := cahp.CommitWeights(ctx, dir)
	if err != nil {
		return err
	}
	r.step("open-weight model committed: %s (%d chunks of %d KiB)", model.Root(), model.LeafCount()-1, model.ChunkSize()>>10)

	// The chain the metabolic agent burns on, read by the responder
	// through two endpoints.
	chain, err := simchain.New(nil)
	if err != nil {
		return err
	}
	defer chain.Close()
	mctx, stopMining := context.WithCancel(ctx)
	defer stopMining()
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-mctx.Done():
				return
			case <-t.C:
				chain.Commit()
			}
		}
	}()
	var endpoints []string
	for range 2 {
		p := simchain.NewProxy(chain.URL(), simchain.Behaviour{})
		defer p.Close()
		endpoints = append(endpoints, p.URL)
	}
	reader, err := quorum.New(endpoints, 2, quorum.WithChainID(simchain.ChainID),
		quorum.WithConfirmations(0), quorum.WithPinTTL(0), quorum.WithMaxFuture(time.Hour))
	if err != nil {
		return err
	}
	defer reader.Close()
	burns, err := trustkernel.NewBurnVerifier(reader, simchain.ChainID)
	if err != nil {
		return err
	}

	minBurn := big.NewInt(1e15)
	respPolicy := cahp.DefaultPolicy()
	respPolicy.Chains = map[string]cahp.ChainPolicy{burns.Chain(): {MinBurn: minBurn, MinConfirmations: 2}}
	respPolicy.Difficulty = 16
	respPolicy.Capabilities = []string{"chat", "tools"}
	sessions := make(chan *cahp.Session, 1)
	resp, err := cahp.NewResponder(respKey, cahp.WithPeers(respPeers), cahp.WithPolicy(respPolicy), cahp.WithWeights(model),
		cahp.WithBurnVerifier(burns.Chain(), burns), cahp.WithSessionHandler(func(s *cahp.Session) { sessions <- s }))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: resp.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 30 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	r.step("open-weight responder %.32s... serving on %s", respKey.PublicKey(), url)

	client, err := ethclient.DialContext(ctx, chain.URL())
	if err != nil {
		return err
	}
	defer client.Close()
	initPolicy := cahp.DefaultPolicy()
	initPolicy.ModelRoots = []string{model.Root()}
	initPolicy.Capabilities = []string{"chat"}
	init, err := cahp.NewInitiator(initKey, cahp.WithPeers(initPeers), cahp.WithPolicy(initPolicy),
		cahp.WithBurner(trustkernel.NewBurner(client, simchain.Key(1), simchain.ChainID, minBurn, 2, 20*time.Millisecond)))
	if err != nil {
		return err
	}
	tr, err := cahp.NewHTTPTransport(url, nil)
	if err != nil {
		return err
	}
	session, err := init.Handshake(ctx, tr, cahp.OnPhase(func(p cahp.PhaseEvent) {
		r.step("phase %s: sent %d message(s), received %d", p.Phase, len(p.Sent), len(p.Received))
	}))
	if err != nil {
		return fmt.Errorf("handshake: %w", err)
	}
	r.verified("metabolic initiator let in: its burn read back through the quorum, hashcash of difficulty 16 and key confirmation checked")
	r.verified("open-weight responder accepted: root pinned, %d spot checks opened against it", min(cahp.DefaultSpotChecks, int(model.LeafCount()-1)))
	theirs := <-sessions
	if theirs.Key != session.Key {
		return errors.New("the two sides derived different session keys")
	}
	for _, enc := range []string{hex.EncodeToString(session.Key[:]), base64.RawURLEncoding.EncodeToString(session.Key[:]), base64.StdEncoding.EncodeToString(session.Key[:])} {
		if strings.Contains(string(session.Ticket), enc) {
			return errors.New("the ticket carries the session key")
		}
	}
	r.verified("both sides derived the same session key; the ticket carries none")
	now := time.Now()
	tk, err := cahp.VerifyTicket(session.Ticket, initPeers, respPeers, now, cahp.ForSession(session.ID), cahp.WithCapabilities("chat"))
	if err != nil {
		return err
	}
	r.verified("ticket verified: capabilities %v, trust score %d, valid until %s", tk.Capabilities, tk.TrustScore,
		time.Unix(tk.Expiry, 0).UTC().Format(time.RFC3339))

	// A responder whose model is not the pinned one is refused.
	initPolicy.ModelRoots = []string{"blake3:" + fmt.Sprintf("%064x", 0)}
	wary, err := cahp.NewInitiator(initKey, cahp.WithPeers(initPeers), cahp.WithPolicy(initPolicy),
		cahp.WithBurner(trustkernel.NewBurner(client, simchain.Key(1), simchain.ChainID, minBurn, 2, 20*time.Millisecond)))
	if err != nil {
		return err
	}
	if _, err := wary.Handshake(ctx, tr); !errors.Is(err, cahp.ErrWeightRoot) {
		return fmt.Errorf("a responder with another model: want ErrWeightRoot, got %v", err)
	}
	if resp.Sessions() != 0 {
		return errors.New("the refused session is still open on the responder")
	}
	r.verified("a responder committing to another model is refused, and the session ends on both sides")

	// Unpinning the initiator's key invalidates its ticket.
	respPeers.Remove(initKey.PublicKey())
	if _, err := cahp.VerifyTicket(session.Ticket, initPeers, respPeers, now); !errors.Is(err, cahp.ErrKeyRevoked) {
		return fmt.Errorf("ticket of an unpinned key: want ErrKeyRevoked, got %v", err)
	}
	r.verified("after the initiator's key is unpinned its ticket fails (a new handshake is needed)")
	return nil
}
