package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/envelope"
)

func init() { register(30, "chp", tourCHP) }

// tourCHP runs the call-home sandbox extension's air-gap flow: the Global
// Registry admits a Local Registry, instances call home to it over
// loopback HTTP, one rides out an outage in quiet mode, the LR exports a
// provenance bundle, the GR imports it, and the receipt is verified back
// inside the enclave with nothing but the GR root public key. Then the LR
// rotates its key and the GR its root, and the enclave follows both; last
// the GR revokes the LR's certificate and admits it again.
func tourCHP(ctx context.Context, r *report) error {
	_, grKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	_, lrKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	gr, err := chp.OpenGlobalRegistry(filepath.Join(r.dir, "gr"), grKey)
	if err != nil {
		return err
	}
	defer gr.Close()
	root := gr.PublicKey()
	r.step("Global Registry (GR) root key %.32s... (given to the enclave out of band)", root)

	lrDir := filepath.Join(r.dir, "lr")
	lr, err := chp.OpenLocalRegistry(lrDir, lrKey, chp.WithRootKey(root), chp.WithAllowUnsigned(true))
	if err != nil {
		return err
	}
	rac, err := gr.Admit(lr.PublicKey(), 365*24*time.Hour)
	if err != nil {
		return err
	}
	if err := lr.InstallAdmissionCert(rac); err != nil {
		return err
	}
	r.verified("GR issued registry admission certificate (RAC) %s for Local Registry (LR) %s; the LR verified and installed it", rac.RACID, rac.LRFingerprint[:19])

	srv, addr, err := serveLR(lr, "127.0.0.1:0")
	if err != nil {
		return err
	}
	r.step("local registry serving on http://%s", addr)

	var ins []*chp.Instance
	for i := range 3 {
		cfg := chp.Config{
			HomeURI: "http://" + addr + "/registry/heartbeat", RegistryKey: lr.PublicKey(), RootKey: root, Sandbox: true,
			InstanceID: fmt.Sprintf("3ec2f1e0-2d31-4594-8d7b-%012x", i+1), Version: "tour/1",
			LicenseHash: chp.LicenseHash([]byte("accord tour licence")), QueueDir: filepath.Join(r.dir, fmt.Sprintf("instance-%d", i)),
			Attempts: 2, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond,
		}
		if i < 2 {
			_, k, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return err
			}
			cfg.Signer = envelope.NewEd25519Signer(k)
		}
		in, err := chp.NewInstance(cfg)
		if err != nil {
			return err
		}
		defer in.Close()
		ins = append(ins, in)
	}
	for round := range 2 {
		for i, in := range ins {
			ack, err := in.Beat(ctx)
			if err != nil {
				return fmt.Errorf("instance %d round %d: %w", i, round, err)
			}
			if in.State() != chp.StatusCoherent {
				return fmt.Errorf("instance %d is %s", i, in.State())
			}
			if round == 0 {
				r.verified("instance %d: RAC checked against the GR root, ACK %s %s, signature verified", i, ack.AckID[:13], ack.Status)
			}
		}
	}

	// The registry goes down: instance 0 goes quiet and queues.
	srv.Close()
	if err := lr.Close(); err != nil {
		return err
	}
	if _, err := ins[0].Beat(ctx); !errors.Is(err, chp.ErrUnreachable) {
		return fmt.Errorf("beat with the registry down: %v, want unreachable", err)
	}
	if ins[0].State() != chp.StatusQuiet || ins[0].Pending() != 1 {
		return fmt.Errorf("instance 0 is %s with %d pending, want quiet with 1", ins[0].State(), ins[0].Pending())
	}
	r.verified("registry down: instance 0 is %s, 1 heartbeat kept in its local log", ins[0].State())

	lr, err = chp.OpenLocalRegistry(lrDir, lrKey, chp.WithRootKey(root), chp.WithAllowUnsigned(true))
	if err != nil {
		return err
	}
	defer lr.Close()
	srv, _, err = serveLR(lr, addr)
	if err != nil {
		return err
	}
	defer srv.Close()
	if _, err := ins[0].Beat(ctx); err != nil {
		return err
	}
	if ins[0].State() != chp.StatusCoherent || ins[0].Pending() != 0 {
		return fmt.Errorf("instance 0 is %s with %d pending after the registry came back", ins[0].State(), ins[0].Pending())
	}
	r.verified("registry back (reopened from disk, %d records): instance 0 sent its queue in order and is %s", lr.Size(), ins[0].State())

	// Across the air gap.
	bundlePath := filepath.Join(r.dir, chp.BundleFile)
	f, err := os.Create(bundlePath)
	if err != nil {
		return err
	}
	res, err := lr.Export(ctx, f, chp.ExportOptions{})
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		return err
	}
	r.step("exported %s: records %d..%d, bundle root %.16s...", chp.BundleFile, res.From, res.To, res.BundleRoot)
	f, err = os.Open(bundlePath)
	if err != nil {
		return err
	}
	imp, err := gr.Import(ctx, f)
	f.Close()
	if err != nil {
		return err
	}
	rc := imp.Receipt
	r.verified("GR imported it: RAC, bundle signature, every member, checkpoint root; %d accepted, %d duplicate, %d rejected",
		rc.Accepted, rc.Duplicate, rc.Rejected)
	f, _ = os.Open(bundlePath)
	again, err := gr.Import(ctx, f)
	f.Close()
	if err != nil || again.Receipt.Accepted != 0 || again.Receipt.Duplicate != rc.Accepted {
		return fmt.Errorf("replayed bundle: %v %+v", err, again)
	}
	r.verified("the same bundle imported again counts %d duplicates and appends nothing", again.Receipt.Duplicate)

	// The GR as a public ledger: anyone with the root key fetches a proof
	// that an instance's heartbeat was imported, over HTTP.
	ledger, err := gr.LedgerHandler()
	if err != nil {
		return err
	}
	lln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	lsrv := &http.Server{Handler: ledger, ReadHeaderTimeout: 5 * time.Second}
	go lsrv.Serve(lln)
	defer lsrv.Close()
	resp, err := http.Get(fmt.Sprintf("http://%s/ledger/proof?lr=%s&index=0", lln.Addr(), lr.Fingerprint()))
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ledger proof: %d %s %v", resp.StatusCode, body, err)
	}
	lp, err := chp.ParseLedgerProof(body)
	if err != nil {
		return err
	}
	entry, err := lp.Verify(root)
	if err != nil {
		return err
	}
	hb, err := chp.DecodeHeartbeat(entry.Record.Heartbeat)
	if err != nil {
		// a sealed heartbeat: its payload is the chp-v1 heartbeat
		var env struct {
			Payload json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(entry.Record.Heartbeat, &env) != nil {
			return err
		}
		if hb, err = chp.DecodeHeartbeat(env.Payload); err != nil {
			return err
		}
		entry.Record.Heartbeat = env.Payload
	}
	if _, err := chp.VerifyAck(entry.Record.Ack, lr.PublicKey(), entry.Record.Heartbeat); err != nil {
		return err
	}
	r.verified("GR ledger proof fetched over HTTP for LR record 0 (instance %.8s): ledger record %d under a checkpoint of %d, verified with the root key; the ACK inside with the LR key",
		hb.InstanceID, entry.Index, entry.Checkpoint.Size)

	// Back in the enclave: only the GR root public key is needed.
	got, err := chp.VerifyReceipt(imp.Signed, root)
	if err != nil {
		return err
	}
	if _, err := lr.PinReceipt(imp.Signed); err != nil {
		return err
	}
	r.verified("coherence receipt %s verified offline with the GR root key and pinned; it states the LR's own root at %d", got.ReceiptID[:8], got.To)
	if _, err := chp.VerifyReceipt(imp.Signed, lr.PublicKey()); err == nil {
		return errors.New("receipt verified under the wrong key")
	}
	r.verified("the receipt does not verify under any other key")

	// Key rotation: the LR replaces its key while it runs; the record is
	// in its log, signed by the old and the new key.
	cpBefore, err := lr.Checkpoint(ctx)
	if err != nil {
		return err
	}
	oldKey := lr.PublicKey()
	_, nextKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	rot, err := lr.RotateKey(ctx, nextKey)
	if err != nil {
		return err
	}
	r.step("LR key rotated to %.32s... as log record %d, signed by the old and the new key", rot.NewKey, rot.Size)
	if _, err := ins[1].Beat(ctx); err != nil {
		return fmt.Errorf("beat after the rotation: %w", err)
	}
	if ins[1].RegistryKey() != lr.PublicKey() {
		return errors.New("the instance did not follow the rotation")
	}
	r.verified("instance 1 learned the new key from the rotation record and its ACK verified")
	chain, err := chp.NewKeyChain("", oldKey)
	if err != nil {
		return err
	}
	if err := chain.Apply(rot); err != nil {
		return err
	}
	cpAfter, err := lr.Checkpoint(ctx)
	if err != nil {
		return err
	}
	before, err := chain.VerifyCheckpoint(cpBefore)
	if err != nil {
		return err
	}
	after, err := chain.VerifyCheckpoint(cpAfter)
	if err != nil {
		return err
	}
	cons, err := lr.Consistency(ctx, before.Size, after.Size)
	if err != nil {
		return err
	}
	if err := cons.Verify(before, after); err != nil {
		return err
	}
	r.verified("checkpoints at %d (old key) and %d (new key) verify and are consistent across the rotation", before.Size, after.Size)
	if err := tourRootRotation(ctx, r, gr, lr, imp.Signed); err != nil {
		return err
	}
	return tourRevocation(ctx, r, gr, lr, rac, ins[1])
}

// tourRootRotation rotates the GR root key: the rotation is a record of
// the ledger signed by the old and the new root, which the LR must learn
// before it takes a receipt of the new root; receipts of the old root
// still verify, each under the root of its time.
func tourRootRotation(ctx context.Context, r *report, gr *chp.GlobalRegistry, lr *chp.LocalRegistry, oldReceipt []byte) error {
	oldRoot := gr.PublicKey()
	_, nextRoot, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	rot, err := gr.RotateRoot(ctx, nextRoot)
	if err != nil {
		return err
	}
	r.step("GR root rotated to %.32s... as ledger record %d, signed by the old and the new root", rot.NewKey, rot.Size)
	bundlePath := filepath.Join(r.dir, "after-root-rotation.tar")
	f, err := os.Create(bundlePath)
	if err != nil {
		return err
	}
	_, err = lr.Export(ctx, f, chp.ExportOptions{})
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	var imp *chp.ImportResult
	if err == nil {
		imp, err = gr.Import(ctx, f)
	}
	f.Close()
	if err != nil {
		return err
	}
	if _, err := lr.PinReceipt(imp.Signed); err == nil {
		return errors.New("the LR pinned a receipt of a root it was never told about")
	}
	r.verified("the next receipt is sealed by the new root; the LR refuses it while it trusts only %.24s...", oldRoot)
	record, err := rot.Marshal()
	if err != nil {
		return err
	}
	roots, err := lr.AddRootRotations(record)
	if err != nil {
		return err
	}
	if _, err := lr.PinReceipt(imp.Signed); err != nil {
		return err
	}
	for _, b := range [][]byte{oldReceipt, imp.Signed} {
		if _, err := roots.VerifyReceipt(b); err != nil {
			return err
		}
	}
	if _, err := chp.VerifyReceipt(imp.Signed, oldRoot); err == nil {
		return errors.New("the new receipt verified under the old root alone")
	}
	r.verified("the LR learned the rotation record (%d roots trusted) and pinned the receipt; the receipt from before still verifies under the old root", len(roots.Keys()))
	return nil
}

// tourRevocation: the GR revokes the LR's certificate; the GR refuses its
// bundle, the LR takes the revocation in and stops claiming admission, an
// instance notices and keeps its heartbeat queued; a new certificate
// admits the LR again and the queue goes out.
func tourRevocation(ctx context.Context, r *report, gr *chp.GlobalRegistry, lr *chp.LocalRegistry, rac *chp.AdmissionCert, in *chp.Instance) error {
	v, entry, err := gr.Revoke(ctx, rac.RACID, "tour: registry decommissioned")
	if err != nil {
		return err
	}
	r.step("GR revoked RAC %.8s as ledger record %d (signed by its root; reason %q)", v.RACID, entry.Index, v.Reason)
	var inFlight bytes.Buffer
	if _, err := lr.Export(ctx, &inFlight, chp.ExportOptions{}); err != nil {
		return err
	}
	if _, err := gr.Import(ctx, bytes.NewReader(inFlight.Bytes())); !errors.Is(err, chp.ErrRevoked) {
		return fmt.Errorf("a bundle carrying the revoked RAC: want ErrRevoked, got %v", err)
	}
	r.verified("the GR refuses the LR's next bundle, naming the revocation")
	wire, err := v.Marshal()
	if err != nil {
		return err
	}
	carried, err := chp.ParseRevocation(wire)
	if err != nil {
		return err
	}
	logged, err := lr.InstallRevocation(ctx, carried)
	if err != nil {
		return err
	}
	if st := lr.HUD().State; st != chp.StatusRepairing || lr.Revoked() == nil {
		return fmt.Errorf("the LR with its RAC revoked is %s", st)
	}
	if err := lr.InstallAdmissionCert(rac); !errors.Is(err, chp.ErrRevoked) {
		return fmt.Errorf("the revoked RAC installed again: %v", err)
	}
	r.verified("carried into the enclave, the revocation is LR log record %d; the LR no longer claims admission (HUD %s) and refuses the revoked RAC", logged.Index, lr.HUD().State)
	if _, err := in.Beat(ctx); err != nil {
		return fmt.Errorf("the LR still logs heartbeats: %w", err)
	}
	if _, err := in.Beat(ctx); !errors.Is(err, chp.ErrRevoked) || in.State() != chp.StatusRepairing || in.Pending() != 1 {
		return fmt.Errorf("instance after the revocation: %v, %s, %d pending", err, in.State(), in.Pending())
	}
	r.verified("instance 1 was told (X-CHP-Admission), verified the revocation in the LR's info with the root key: %s, its next heartbeat kept queued", in.State())
	readmit, err := gr.Admit(lr.PublicKey(), 365*24*time.Hour)
	if err != nil {
		return err
	}
	if err := lr.InstallAdmissionCert(readmit); err != nil {
		return err
	}
	if _, err := in.Flush(ctx); err != nil || in.State() != chp.StatusCoherent || in.Pending() != 0 {
		return fmt.Errorf("instance after re-admission: %v, %s, %d pending", err, in.State(), in.Pending())
	}
	r.verified("re-admitted with RAC %.8s (issued after the revocation): instance 1 sent its queue and is %s", readmit.RACID, in.State())
	return nil
}

// serveLR serves the registry on addr ("host:0" for any port).
func serveLR(lr *chp.LocalRegistry, addr string) (*http.Server, string, error) {
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{Handler: lr, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go srv.Serve(ln)
	return srv, ln.Addr().String(), nil
}
