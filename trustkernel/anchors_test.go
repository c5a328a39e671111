package trustkernel_test

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/accordsdk/accord/trustkernel"
	"github.com/accordsdk/accord/trustkernel/integrity"
)

// TestHardeningTrustAnchorsCopies checks that what verification trusts
// cannot be changed through the values this package hands out.
func TestHardeningTrustAnchorsCopies(t *testing.T) {
	if trustkernel.ImplementationCodeHash() == (common.Hash{}) || trustkernel.RegistryCodeHash() == (common.Hash{}) || trustkernel.AnchorCodeHash() == (common.Hash{}) {
		t.Fatal("a code hash is zero")
	}
	d := trustkernel.OfficialSafeDeployments()
	if len(d) == 0 {
		t.Fatal("no official Safe deployments")
	}
	want := len(d[0].Singletons)
	for h := range d[0].Singletons {
		delete(d[0].Singletons, h)
	}
	d[0].Singletons[common.Hash{1}] = "Impostor"
	d[0].ProxyCodeHash = common.Hash{2}
	d[0] = trustkernel.SafeDeployment{}
	again := trustkernel.OfficialSafeDeployments()
	if again[0].Version == "" || again[0].ProxyCodeHash == (common.Hash{2}) || len(again[0].Singletons) != want {
		t.Fatalf("changing a returned copy changed the official deployments: %+v", again[0])
	}
	if _, ok := again[0].Singletons[common.Hash{1}]; ok {
		t.Fatal("an impostor singleton became official")
	}
}

// TestURIHashMatchesEVMKeccak: integrity.URIHash (x/crypto's legacy
// Keccak-256) is the hash the EVM and go-ethereum compute.
func TestURIHashMatchesEVMKeccak(t *testing.T) {
	for _, uri := range []string{"", "https://releases.example/app/1/manifest.json", "ipfs://genesis", strings.Repeat("é", 200)} {
		require.Equal(t, crypto.Keccak256Hash([]byte(uri)), common.Hash(integrity.URIHash(uri)), "%q", uri)
	}
}
