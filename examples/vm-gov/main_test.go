package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAmendEndToEnd builds the binary and walks the seed's workflow with
// --now: an amendment adding ARTICLE-VII is proposed, refused a vote during
// deliberation, voted, ratified, anchored and activated, and audited; the
// diff names the new article; an add_engine proposal, an emergency that
// expires, a violation, a suspension and its review follow; and an audit
// catches a scroll altered on disk.
func TestAmendEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "vm-gov")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	data := filepath.Join(tmp, "gov")
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, append([]string{"-data", data}, args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return stdout.String(), stderr.String(), code
	}
	ok := func(args ...string) string {
		t.Helper()
		out, errOut, code := run(args...)
		require.Equal(t, 0, code, "vm-gov %v: %s", args, errOut)
		return out
	}
	fails := func(want string, args ...string) {
		t.Helper()
		_, errOut, code := run(args...)
		require.Equal(t, 1, code, "vm-gov %v should fail", args)
		require.Equal(t, 1, strings.Count(errOut, "\n"), "one line on stderr: %q", errOut)
		require.Contains(t, errOut, want)
	}

	_, errOut, code := run("constitution", "version")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "-init")
	assert.Regexp(t, `^1\.0\.0 blake3:[0-9a-f]{64}\n$`, ok("-init", "--now", "2025-12-06T10:00:00Z", "constitution", "version"))

	prop := filepath.Join(tmp, "proposal.json")
	require.NoError(t, os.WriteFile(prop, []byte(`{"title": "Add Data Retention Article", "rationale": "Compliance with EU regulations",
  "content": {"target": "ARTICLE-VII", "action": "add", "text": {"id": "ARTICLE-VII", "name": "Data Retention",
    "sections": [{"id": "ARTICLE-VII.1", "text": "Receipts are retained for at least seven years."}]}}}`), 0o644))
	assert.Contains(t, ok("--now", "2025-12-06T10:00:00Z", "proposal", "create", "--type", "amendment", "--file", prop), "PROP-2025-12-001 deliberation")
	fails("proposal is in state deliberation", "--now", "2025-12-07T10:00:00Z", "vote", "PROP-2025-12-001", "--vote", "approve")
	assert.Contains(t, ok("--now", "2025-12-13T10:00:00Z", "proposal", "list", "--status", "voting"), "PROP-2025-12-001 voting")
	assert.Contains(t, ok("--now", "2025-12-13T10:00:00Z", "vote", "PROP-2025-12-001", "--vote", "approve", "--reason", "Essential for compliance"), "VOTE-2025-12-001-sovereign")
	fails("already voted", "--now", "2025-12-13T11:00:00Z", "vote", "PROP-2025-12-001", "--vote", "reject")
	fails("proposal is in state voting", "--now", "2025-12-14T10:00:00Z", "ratify", "PROP-2025-12-001")
	assert.Contains(t, ok("--now", "2025-12-16T10:00:00Z", "ratify", "PROP-2025-12-001"), "RAT-2025-12-001")
	assert.Contains(t, ok("--now", "2025-12-16T12:00:00Z", "activate", "PROP-2025-12-001"), "constitution 1.1.0 in force")
	assert.Equal(t, "~ version: 1.0.0 -> 1.1.0\n+ articles/ARTICLE-VII\n", ok("constitution", "diff", "v1.0.0", "v1.1.0"))
	assert.Contains(t, ok("constitution", "show"), `"id": "ARTICLE-VII"`)
	assert.Contains(t, ok("--now", "2025-12-16T12:00:00Z", "proposal", "show", "PROP-2025-12-001"), `"state": "active"`)
	assert.Contains(t, ok("audit"), "audit ok: 4 governance receipts replayed, 1 anchors confirmed, constitution 1.1.0")

	// An axiom cannot be amended.
	axiom := filepath.Join(tmp, "axiom.json")
	require.NoError(t, os.WriteFile(axiom, []byte(`{"title": "Allow deletion", "content": {"target": "AXIOM-001", "action": "repeal"}}`), 0o644))
	fails("axioms cannot be amended", "--now", "2025-12-16T13:00:00Z", "proposal", "create", "--type", "amendment", "--file", axiom)

	assert.Contains(t, ok("--now", "2025-12-16T13:00:00Z", "proposal", "create", "--type", "add_engine", "--engine-id", "engine:analytics",
		"--name", "Analytics", "--scroll", "Analytics", "--authority", "Data analysis and insights"), "PROP-2025-12-002")

	// An emergency has no effect after it expires.
	assert.Contains(t, ok("--now", "2025-12-16T14:00:00Z", "emergency", "declare", "--type", "security_incident", "--description", "Active intrusion on BRICK-02", "--hours", "24"), "EO-2025-12-001 emergency")
	assert.Contains(t, ok("--now", "2025-12-16T15:00:00Z", "emergency", "extend", "--hours", "12"), "until 2025-12-18T02:00:00Z")
	assert.Contains(t, ok("--now", "2025-12-18T01:59:59Z", "emergency", "status"), "power in force: Enhanced logging")
	st := ok("--now", "2025-12-18T02:00:00Z", "emergency", "status")
	assert.Contains(t, st, "in_force=false")
	assert.NotContains(t, st, "power in force")
	fails("an emergency lasts at most 72 hours", "--now", "2025-12-18T03:00:00Z", "emergency", "declare", "--type", "outage", "--description", "x", "--hours", "100")

	// A parameter order.
	order := filepath.Join(tmp, "order.json")
	require.NoError(t, os.WriteFile(order, []byte(`{"title": "Temporary Rate Limit Increase", "authority": "ARTICLE-I.1",
  "content": {"parameter": "guardian.anchor_rate_limit", "old_value": "100/day", "new_value": "500/day"}, "expires_at": "2026-01-01T00:00:00Z"}`), 0o644))
	assert.Contains(t, ok("--now", "2025-12-18T04:00:00Z", "order", "create", "--type", "parameter_change", "--file", order), "EO-2025-12-003 parameter_change")
	assert.Contains(t, ok("--now", "2025-12-18T05:00:00Z", "order", "list", "--active"), "EO-2025-12-003")

	// A violation, a suspension pending review, and its dismissal.
	assert.Contains(t, ok("--now", "2025-12-18T06:00:00Z", "violations", "report", "--actor", "engine:governance", "--action", "modify_receipt",
		"--rule", "AXIOM-001", "--severity", "critical"), "VIOL-2025-12-001")
	assert.Contains(t, ok("--now", "2025-12-18T06:05:00Z", "enforcement", "create", "VIOL-2025-12-001", "--capability", "detect"), "ENF-2025-12-001")
	assert.Contains(t, ok("--now", "2025-12-18T07:00:00Z", "enforcement", "list", "--pending-review"), "ENF-2025-12-001")
	fails("capability suspended", "--now", "2025-12-18T07:00:00Z", "--as", "governance", "violations", "report", "--actor", "did:vm:human:sovereign",
		"--action", "x", "--rule", "ARTICLE-I.1", "--severity", "low")
	assert.Contains(t, ok("violations", "list", "--severity", "high,critical"), "VIOL-2025-12-001 critical")
	assert.Contains(t, ok("--now", "2025-12-18T08:00:00Z", "enforcement", "review", "ENF-2025-12-001", "--decision", "dismiss"), "REV-2025-12-001")
	assert.Empty(t, ok("--now", "2025-12-18T09:00:00Z", "enforcement", "list", "--pending-review"))
	assert.Contains(t, ok("audit"), "audit ok")

	// A receipt altered on disk is caught.
	path := filepath.Join(data, "store", "scrolls", "Governance", "records")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	i := bytes.Index(b, []byte("Essential for compliance"))
	require.Positive(t, i)
	b[i] = 'e'
	require.NoError(t, os.WriteFile(path, b, 0o600))
	_, errOut, code = run("audit")
	require.Equal(t, 1, code)
	assert.Contains(t, errOut, "vm-gov")
}
