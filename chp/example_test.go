package chp_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"time"

	"github.com/accordsdk/accord/chp"
	"github.com/accordsdk/accord/envelope"
)

func key(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
}

func pub(k ed25519.PrivateKey) string {
	return envelope.FormatEd25519PublicKey(k.Public().(ed25519.PublicKey))
}

func ExampleSignAck() {
	registry := envelope.NewEd25519Signer(key(1))
	heartbeat := []byte(`{"instance_id":"3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11","home_uri":"https://registry.example/registry/heartbeat",
	  "version":"2025.11.03","license_hash":"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "ethics_signature":"charter:v1","status":"coherent","timestamp":"2025-11-04T08:45:00Z"}`)
	ack := chp.Ack{
		AckID:       "01a20000-0000-7000-8000-000000000001",
		InstanceRef: "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11",
		Received:    time.Date(2025, 11, 4, 8, 45, 1, 0, time.UTC),
		Status:      chp.AckVerified,
	}
	b, err := chp.SignAck(registry, &ack, heartbeat)
	if err != nil {
		panic(err)
	}
	got, err := chp.VerifyAck(b, pub(key(1)), heartbeat)
	fmt.Println(got.Status, err)
	// The ACK answers this heartbeat only, and only this registry signed it.
	other := bytes.Replace(heartbeat, []byte(`"coherent"`), []byte(`"review"`), 1)
	_, err = chp.VerifyAck(b, pub(key(1)), other)
	fmt.Println(errors.Is(err, chp.ErrBadSignature))
	_, err = chp.VerifyAck(b, pub(key(2)), heartbeat)
	fmt.Println(errors.Is(err, chp.ErrBadSignature))
	// Output:
	// verified <nil>
	// true
	// true
}

func ExampleIssueAdmissionCert() {
	root, lr := key(1), key(2)
	issued := time.Date(2025, 11, 4, 0, 0, 0, 0, time.UTC)
	rac, err := chp.IssueAdmissionCert(envelope.NewEd25519Signer(root), "GR", pub(lr), issued, issued.AddDate(2, 0, 0))
	if err != nil {
		panic(err)
	}
	// An instance holding only the GR root public key checks it offline.
	fmt.Println(rac.Verify(pub(root), pub(lr), issued.AddDate(1, 0, 0)))
	fmt.Println(rac.Verify(pub(root), pub(lr), issued.AddDate(3, 0, 0)) != nil)
	// Output:
	// <nil>
	// true
}

func ExampleDecodeHeartbeat() {
	h, err := chp.DecodeHeartbeat([]byte(`{
	  "instance_id": "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11",
	  "home_uri": "https://accord.local/registry/heartbeat",
	  "version": "2025.11.03",
	  "license_hash": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "ethics_signature": "charter:v1",
	  "status": "coherent",
	  "timestamp": "2026-11-22T04:43:53+00:00"
	}`))
	fmt.Println(h.Status, h.Timestamp, err)
	_, err = chp.DecodeHeartbeat([]byte(`{"instance_id": "x"}`))
	fmt.Println(err != nil)
	// Output:
	// coherent 2026-11-22 04:43:53 +0000 UTC <nil>
	// true
}

// The whole air-gap flow in one process: admission, a heartbeat over
// HTTP, export, import, and the receipt pinned back in the enclave.
func ExampleGlobalRegistry_Import() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "chp-example-")
	defer os.RemoveAll(dir)

	gr, err := chp.OpenGlobalRegistry(dir+"/gr", key(1))
	if err != nil {
		panic(err)
	}
	defer gr.Close()
	lr, err := chp.OpenLocalRegistry(dir+"/lr", key(2), chp.WithRootKey(gr.PublicKey()))
	if err != nil {
		panic(err)
	}
	defer lr.Close()
	rac, _ := gr.Admit(lr.PublicKey(), 24*time.Hour)
	if err := lr.InstallAdmissionCert(rac); err != nil {
		panic(err)
	}
	srv := httptest.NewServer(lr)
	defer srv.Close()

	in, err := chp.NewInstance(chp.Config{
		HomeURI: srv.URL + "/registry/heartbeat", RegistryKey: lr.PublicKey(), RootKey: gr.PublicKey(), Sandbox: true,
		InstanceID: "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11", Version: "1.0", LicenseHash: chp.LicenseHash([]byte("licence")),
		Signer: envelope.NewEd25519Signer(key(3)), QueueDir: dir + "/instance",
	})
	if err != nil {
		panic(err)
	}
	defer in.Close()
	ack, err := in.Beat(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("ack:", ack.Status, "state:", in.State())

	var tar bytes.Buffer
	if _, err := lr.Export(ctx, &tar, chp.ExportOptions{}); err != nil {
		panic(err)
	}
	res, err := gr.Import(ctx, bytes.NewReader(tar.Bytes()))
	if err != nil {
		panic(err)
	}
	fmt.Println("accepted:", res.Receipt.Accepted, "duplicate:", res.Receipt.Duplicate)
	rc, err := lr.PinReceipt(res.Signed)
	fmt.Println("receipt pinned:", err == nil, rc.To)
	// Output:
	// ack: verified state: coherent
	// accepted: 1 duplicate: 0
	// receipt pinned: true 1
}

func ExampleGlobalRegistry_Revoke() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "chp-example-")
	defer os.RemoveAll(dir)

	gr, err := chp.OpenGlobalRegistry(dir+"/gr", key(1))
	if err != nil {
		panic(err)
	}
	defer gr.Close()
	lr, err := chp.OpenLocalRegistry(dir+"/lr", key(2), chp.WithRootKey(gr.PublicKey()))
	if err != nil {
		panic(err)
	}
	defer lr.Close()
	rac, _ := gr.Admit(lr.PublicKey(), 24*time.Hour)
	if err := lr.InstallAdmissionCert(rac); err != nil {
		panic(err)
	}
	var bundle bytes.Buffer
	if _, err := lr.Export(ctx, &bundle, chp.ExportOptions{}); err != nil {
		panic(err)
	}

	// The Global Registry revokes the certificate: the revocation is a
	// record of its ledger, and the bundles carrying the certificate are
	// refused from then on.
	v, entry, err := gr.Revoke(ctx, rac.RACID, "registry decommissioned")
	if err != nil {
		panic(err)
	}
	fmt.Println("ledger record:", entry.Index, "reason:", v.Reason)
	_, err = gr.Import(ctx, bytes.NewReader(bundle.Bytes()))
	fmt.Println("import refused:", errors.Is(err, chp.ErrRevoked))

	// Carried into the enclave, the revocation is installed and logged;
	// the registry no longer claims admission, nor takes the certificate
	// back.
	wire, _ := v.Marshal()
	carried, err := chp.ParseRevocation(wire)
	if err != nil {
		panic(err)
	}
	if _, err := lr.InstallRevocation(ctx, carried); err != nil {
		panic(err)
	}
	fmt.Println("state:", lr.HUD().State, "revoked:", lr.Revoked() != nil)
	fmt.Println("reinstall refused:", errors.Is(lr.InstallAdmissionCert(rac), chp.ErrRevoked))
	// Output:
	// ledger record: 0 reason: registry decommissioned
	// import refused: true
	// state: repairing revoked: true
	// reinstall refused: true
}

func ExampleLocalRegistry_Accept() {
	dir, _ := os.MkdirTemp("", "chp-example-")
	defer os.RemoveAll(dir)
	now := time.Date(2026, 11, 22, 4, 44, 0, 0, time.UTC)
	lr, err := chp.OpenLocalRegistry(dir, key(2), chp.WithAllowUnsigned(true), chp.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}
	defer lr.Close()
	// A plain heartbeat from an existing chp-v1 client, timestamp with an offset.
	heartbeat := []byte(`{
	  "instance_id": "3ec2f1e0-2d31-4594-8d7b-8b9d8b2f2a11",
	  "home_uri": "https://accord.local/registry/heartbeat",
	  "version": "2025.11.03",
	  "license_hash": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "ethics_signature": "charter:v1",
	  "status": "coherent",
	  "timestamp": "2026-11-22T04:43:53+00:00"
	}`)
	acc, err := lr.Accept(context.Background(), heartbeat)
	if err != nil {
		panic(err)
	}
	ack, err := chp.VerifyAck(acc.Ack, lr.PublicKey(), heartbeat)
	fmt.Println(ack.Status, acc.Index, err)

	_, err = lr.Accept(context.Background(), []byte(`{"instance_id": "3ec2f1e0"}`))
	var re *chp.RejectError
	if errors.As(err, &re) {
		fmt.Println(re.Status, re.Code)
	}
	// Output:
	// queued 0 <nil>
	// 422 schema_violation
}
