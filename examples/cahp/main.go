// Command cahp runs the two sides of a cross-architecture handshake as
// separate processes: an open-weight responder (serve) and a metabolic
// initiator (connect) that burns on the responder's simulated chain.
//
//	cahp -init -data srv key          # creates srv's identity, prints its key
//	cahp -init -data cli key          # the same for the initiator
//	cahp -data srv -peer <cli key> serve
//	    # prints its key, model root and chain URL, then serves
//	cahp -data cli -peer <srv key> -model-root <root> -rpc <chain URL> connect http://127.0.0.1:8470
//
// serve commits to the weights under -model (by default a demonstration
// model it writes into the data directory), runs a simulated EVM chain on
// loopback, and lets in the pinned initiator once it has solved the
// hashcash, burnt on that chain with the session's binding (read back
// through the quorum reader with confirmations) and confirmed the session
// key. connect burns from the chain's demonstration account 1, checks the
// responder's weight commitment against the pinned root and its spot
// checks, and prints each phase and the ticket.
package main

import (
	"context"
	"crypto/ed25519"
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
	"github.com/accordsdk/accord/examples/internal/cli"
	"github.com/accordsdk/accord/internal/keyfile"
	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/quorum"
	"github.com/accordsdk/accord/trustkernel/simchain"
)

const role = "cahp"

// minBurn is the smallest burn serve accepts: 0.001 ether, in wei.
var minBurn = big.NewInt(1e15)

const confirmations = 2

type options struct {
	data, peer, listen, model, modelRoot, rpc string
	init                                      bool
	difficulty                                int
	timeout                                   time.Duration
}

func main() { cli.Main(command()) }

func command() *cli.Command {
	var o options
	return &cli.Command{
		Name:    "cahp",
		Purpose: "run an open-weight responder (serve) or a metabolic initiator (connect) of the cross-architecture handshake",
		Workflow: "cahp -init -data DIR key creates an identity and prints its key. serve pins the initiator's key (-peer)\n" +
			"and prints its own key, model root and chain URL; connect pins those (-peer, -model-root, -rpc).",
		Flags: func(f *cli.FlagSet) {
			f.String(&o.data, "data", "cahp-data", "`directory` of this agent's identity").Env("CAHP_DATA")
			f.Init(&o.init)
		},
		Commands: []*cli.Command{{
			Name:    "key",
			Purpose: "print this agent's public key (created with -init)",
			Run: func(ctx context.Context, e *cli.Env) error {
				k, err := identity(o)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.Stdout, envelope.NewEd25519Signer(k).PublicKey())
				return nil
			},
		}, {
			Name:    "serve",
			Purpose: "answer handshakes as an open-weight agent until interrupted",
			Flags: func(f *cli.FlagSet) {
				f.String(&o.peer, "peer", "", "the initiator's `key` to let in (ed25519:z6Mk...)").Env("CAHP_PEER").Required()
				f.String(&o.listen, "listen", "127.0.0.1:8470", "`address` to listen on").Env("CAHP_LISTEN")
				f.String(&o.model, "model", "", "`directory` of the weight files (default: a demonstration model in the data directory)").Env("CAHP_MODEL")
				f.Int(&o.difficulty, "difficulty", cahp.DefaultDifficulty, "hashcash difficulty asked of the initiator, in bits").Env("CAHP_DIFFICULTY")
			},
			Check: func(e *cli.Env) error {
				if err := e.Flags.HostPort("listen"); err != nil {
					return err
				}
				if o.difficulty < 0 || o.difficulty > cahp.MaxDifficulty {
					return e.Flags.Invalid("difficulty", fmt.Sprintf("must be 0 to %d", cahp.MaxDifficulty))
				}
				return checkKey(e, "peer", o.peer)
			},
			Run: func(ctx context.Context, e *cli.Env) error { return serve(ctx, e, o) },
		}, {
			Name:    "connect",
			Purpose: "open a handshake with a responder as a metabolic agent and print each phase",
			Args:    "URL",
			MinArgs: 1, MaxArgs: 1,
			Flags: func(f *cli.FlagSet) {
				f.String(&o.peer, "peer", "", "the responder's `key` (ed25519:z6Mk...)").Env("CAHP_PEER").Required()
				f.String(&o.modelRoot, "model-root", "", "the responder's model `root` (blake3:...)").Env("CAHP_MODEL_ROOT").Required()
				f.String(&o.rpc, "rpc", "", "JSON-RPC `URL` of the chain to burn on").Env("CAHP_RPC").Required()
				f.Duration(&o.timeout, "timeout", 2*time.Minute, "give up after this long").Env("CAHP_TIMEOUT")
			},
			Check: func(e *cli.Env) error {
				if err := e.Flags.URL("rpc", "http", "https"); err != nil {
					return err
				}
				if !strings.HasPrefix(e.Args[0], "http://") && !strings.HasPrefix(e.Args[0], "https://") {
					return &cli.UsageError{Err: fmt.Errorf("URL %q: want http:// or https://", e.Args[0])}
				}
				return checkKey(e, "peer", o.peer)
			},
			Run: func(ctx context.Context, e *cli.Env) error { return connect(ctx, e, o) },
		}},
	}
}

func checkKey(e *cli.Env, flag, key string) error {
	if _, err := envelope.ParseEd25519PublicKey(key); err != nil {
		return e.Flags.Invalid(flag, "must be an ed25519:z6Mk... key")
	}
	return nil
}

// identity loads the agent's key, creating it (and the directory) only with
// -init.
func identity(o options) (ed25519.PrivateKey, error) {
	fresh, err := cli.CheckDir(o.data, role, o.init)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(o.data, "key")
	if !fresh {
		return keyfile.LoadPrivate(path)
	}
	if err := cli.MarkDir(o.data, role); err != nil {
		return nil, err
	}
	k, _, err := keyfile.LoadOrCreatePrivate(path)
	return k, err
}

// peers returns a key ring pinning key.
func peers(key string) (*envelope.KeyRing, error) {
	ring := envelope.NewKeyRing()
	if err := ring.Add(key); err != nil {
		return nil, err
	}
	return ring, nil
}

// demoModel writes a 4 MiB demonstration model under dir/model once.
func demoModel(dir string) (string, error) {
	model := filepath.Join(dir, "model")
	if _, err := os.Stat(model); err == nil {
		return model, nil
	}
	tmp := model + ".tmp"
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return "", err
	}
	data := make([]byte, 4<<20)
	for i := range data {
		data[i] = byte(i*131 + i>>12)
	}
	if err := os.WriteFile(filepath.Join(tmp, "weights.bin"), data, 0o600); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, "config.json"), []byte(`{"layers":2,"dim":1024}`+"\n"), 0o600); err != nil {
		return "", err
	}
	return model, os.Rename(tmp, model)
}

func serve(ctx context.Context, e *cli.Env, o options) error {
	key, err := identity(o)
	if err != nil {
		return err
	}
	ring, err := peers(o.peer)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	defer ln.Close()
	dir := o.model
	if dir == "" {
		if dir, err = demoModel(o.data); err != nil {
			return err
		}
	}
	model, err := cahp.CommitWeights(ctx, dir)
	if err != nil {
		return err
	}
	chain, err := simchain.New(nil)
	if err != nil {
		return err
	}
	defer chain.Close()
	// The miner stops before the chain closes (defers run last in, first out).
	mineCtx, stopMining := context.WithCancel(ctx)
	mined := make(chan struct{})
	go func() { defer close(mined); mineEvery(mineCtx, chain, 200*time.Millisecond) }()
	defer func() { stopMining(); <-mined }()
	// Two loopback endpoints in front of the chain, read as a 2-of-2 quorum
	// (a real deployment reads independent providers).
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
	policy := cahp.DefaultPolicy()
	policy.Chains = map[string]cahp.ChainPolicy{burns.Chain(): {MinBurn: minBurn, MinConfirmations: confirmations}}
	policy.Difficulty = o.difficulty
	policy.Capabilities = []string{"chat", "tools"}
	signer := envelope.NewEd25519Signer(key)
	resp, err := cahp.NewResponder(signer, cahp.WithPeers(ring), cahp.WithPolicy(policy), cahp.WithWeights(model),
		cahp.WithBurnVerifier(burns.Chain(), burns), cahp.WithLogger(cli.Logger(e.Stderr)),
		cahp.WithSessionHandler(func(s *cahp.Session) {
			fmt.Fprintf(e.Stdout, "ticket issued: session %s to %s (%s), capabilities %v, trust score %d\n",
				s.ID, s.Peer, s.PeerKind, s.Payload.Capabilities, s.Payload.TrustScore)
		}))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "key:        %s\nmodel root: %s (%d chunks)\nchain:      %s (simulated, %s)\nlistening:  http://%s\n",
		signer.PublicKey(), model.Root(), model.LeafCount()-1, chain.URL(), burns.Chain(), ln.Addr())
	srv := &http.Server{Handler: resp.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 2 * time.Minute, IdleTimeout: time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// mineEvery seals a block every interval, so that burns gain confirmations.
func mineEvery(ctx context.Context, c *simchain.Chain, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.Commit()
		}
	}
}

func connect(ctx context.Context, e *cli.Env, o options) error {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	key, err := identity(o)
	if err != nil {
		return err
	}
	ring, err := peers(o.peer)
	if err != nil {
		return err
	}
	client, err := ethclient.DialContext(ctx, o.rpc)
	if err != nil {
		return err
	}
	defer client.Close()
	chainID := uint64(simchain.ChainID)
	// The responder is open-weight: its proof is checked by spot checks
	// against the pinned root, so this side reads no chain.
	policy := cahp.DefaultPolicy()
	policy.ModelRoots = []string{o.modelRoot}
	policy.Capabilities = []string{"chat"}
	init, err := cahp.NewInitiator(envelope.NewEd25519Signer(key), cahp.WithPeers(ring), cahp.WithPolicy(policy),
		cahp.WithBurner(trustkernel.NewBurner(client, simchain.Key(1), chainID, minBurn, confirmations, 100*time.Millisecond)))
	if err != nil {
		return err
	}
	tr, err := cahp.NewHTTPTransport(e.Args[0], nil)
	if err != nil {
		return err
	}
	s, err := init.Handshake(ctx, tr, cahp.OnPhase(func(p cahp.PhaseEvent) { printPhase(e, p) }))
	if err != nil {
		var te *cahp.TransportError
		if errors.As(err, &te) {
			return fmt.Errorf("responder refused: %w", &cli.ReplyError{Status: te.Status, Code: te.Code, Message: te.Message})
		}
		return err
	}
	fmt.Fprintf(e.Stdout, "5 ticket:    session %s, capabilities %v, trust score %d, expires %s\n",
		s.ID, s.Payload.Capabilities, s.Payload.TrustScore, time.Unix(s.Payload.Expiry, 0).UTC().Format(time.RFC3339))
	fmt.Fprintf(e.Stdout, "session key: derived on both sides (transcript sha256:%x), never sent\n", s.Transcript)
	return nil
}

// printPhase prints what one phase carried.
func printPhase(e *cli.Env, p cahp.PhaseEvent) {
	payload := func(msg []byte) []byte {
		v, err := envelope.NewVerifier(envelope.WithTypes(cahp.TypeDiscovery, cahp.TypeProof, cahp.TypeChallenge, cahp.TypeResponse, cahp.TypeTicket),
			envelope.WithTrustOnFirstUse(func(*envelope.Envelope) bool { return true }), envelope.WithoutFreshness())
		if err != nil {
			return nil
		}
		env, err := v.Open(msg)
		if err != nil {
			return nil
		}
		return env.Payload
	}
	switch p.Phase {
	case cahp.PhaseDiscovery:
		d, _ := cahp.ParseDiscovery(payload(p.Received[0]))
		if d != nil {
			fmt.Fprintf(e.Stdout, "1 discovery: session %s, responder offers %v, difficulty %d\n", p.SessionID, d.Capabilities, d.Parameters.MaxDifficulty)
		}
	case cahp.PhaseProof:
		mine, _ := cahp.ParseProof(payload(p.Sent[0]))
		theirs, _ := cahp.ParseProof(payload(p.Received[0]))
		if mine != nil && theirs != nil {
			fmt.Fprintf(e.Stdout, "2 proof:     burnt %s wei on %s in %s; responder commits to %s (%d chunks)\n",
				mine.BurnAmountSats, mine.Chain, mine.TxHash, theirs.MerkleRoot, theirs.LeafCount-1)
		}
	case cahp.PhaseChallenge:
		mine, _ := cahp.ParseChallenge(payload(p.Sent[0]))
		theirs, _ := cahp.ParseChallenge(payload(p.Received[0]))
		if mine != nil && theirs != nil {
			fmt.Fprintf(e.Stdout, "3 challenge: asked %d spot checks, all verified with the key confirmation; given hashcash of difficulty %d\n",
				len(mine.SpotChecks), theirs.Difficulty)
		}
	case cahp.PhaseResponse:
		r, _ := cahp.ParseResponse(payload(p.Sent[0]))
		if r != nil {
			fmt.Fprintf(e.Stdout, "4 response:  hashcash nonce %d (%s) in %.3fs\n", r.Nonce, r.Hash[:23]+"...", r.RuntimeSec)
		}
	}
}
