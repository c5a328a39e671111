package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/accordsdk/accord/federation"
	"github.com/accordsdk/accord/internal/strictjson"
)

// adminHandler serves the operator's commands on the unix socket (mode
// 0600, in the state directory): POST /<command> with a JSON object of
// arguments, answered with JSON.
func adminHandler(m *federation.Mesh) http.Handler {
	type args struct {
		MeshID     string   `json:"mesh_id"`
		URL        string   `json:"url"`
		PublicKey  string   `json:"public_key"`
		Target     string   `json:"target"`
		Level      int      `json:"level"`
		Scrolls    []string `json:"scrolls"`
		Frequency  string   `json:"frequency"`
		Retention  int      `json:"retention"`
		ID         string   `json:"id"`
		Reason     string   `json:"reason"`
		NoticeDays int      `json:"notice_days"`
		Mesh       string   `json:"mesh"`
		Scroll     string   `json:"scroll"`
		Record     string   `json:"record"`
		Last       int64    `json:"last_seconds"`
	}
	cmds := map[string]func(ctx context.Context, a *args) (any, error){
		"discover": func(ctx context.Context, a *args) (any, error) {
			d, err := m.Discover(ctx, a.URL, a.PublicKey)
			if err == nil && a.MeshID != "" && d.MeshID != a.MeshID {
				return nil, fmt.Errorf("%w: %s answers as %s", federation.ErrUnknownMesh, a.URL, d.MeshID)
			}
			return d, err
		},
		"list-known": func(context.Context, *args) (any, error) { return m.Peers(), nil },
		"propose": func(ctx context.Context, a *args) (any, error) {
			return m.Propose(ctx, a.Target, federation.Level(a.Level), federation.ProposedTerms{
				ScrollsToShare: a.Scrolls, VerificationFrequency: a.Frequency, RetentionPeriodDays: a.Retention, AuditRights: true,
			}, nil)
		},
		"proposals-list":   func(context.Context, *args) (any, error) { return m.Proposals(), nil },
		"proposals-accept": func(ctx context.Context, a *args) (any, error) { return m.AcceptProposal(ctx, a.ID) },
		"proposals-reject": func(ctx context.Context, a *args) (any, error) {
			return map[string]string{"status": "rejected"}, m.RejectProposal(ctx, a.ID, a.Reason)
		},
		"agreements-list": func(context.Context, *args) (any, error) { return m.Agreements(), nil },
		"agreements-revoke": func(ctx context.Context, a *args) (any, error) {
			return map[string]string{"status": "revoked"}, m.RevokeAgreement(ctx, a.ID, a.NoticeDays, a.Reason)
		},
		"append": func(ctx context.Context, a *args) (any, error) {
			i, err := m.Append(ctx, a.Scroll, []byte(a.Record))
			return map[string]uint64{"index": i}, err
		},
		"notify": func(ctx context.Context, a *args) (any, error) {
			r, err := m.NotifyPeer(ctx, a.Mesh, a.Scroll)
			if err == nil && r.VerificationResult != federation.ResultVerified {
				b, _ := json.Marshal(r.Discrepancies)
				return nil, fmt.Errorf("%w: witness answered %s: %s", federation.ErrRemote, r.VerificationResult, b)
			}
			return r, err
		},
		"cross-anchor": func(ctx context.Context, a *args) (any, error) { return m.CrossAnchor(ctx, a.Mesh) },
		"verify":       func(ctx context.Context, a *args) (any, error) { return m.CheckPeerScroll(ctx, a.Mesh, a.Scroll) },
		"witness-history": func(ctx context.Context, a *args) (any, error) {
			return m.WitnessHistory(a.Mesh, time.Now().Add(-time.Duration(a.Last)*time.Second)), nil
		},
		"status": func(context.Context, *args) (any, error) {
			return map[string]any{"mesh_id": m.ID(), "public_key": m.PublicKey(), "peers": m.Peers(),
				"agreements": m.Agreements(), "forks": m.Forks(), "health": m.Health()}, nil
		},
		"health": func(context.Context, *args) (any, error) {
			h := m.Health()
			var bad []string
			for _, p := range h {
				if p.Overdue {
					bad = append(bad, fmt.Sprintf("%s (%d forks)", p.Peer, p.Forks))
				}
			}
			if bad != nil {
				return nil, fmt.Errorf("overdue or forked: %s", strings.Join(bad, ", "))
			}
			return h, nil
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		run, ok := cmds[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok || r.Method != http.MethodPost {
			reply(w, http.StatusNotFound, nil, errors.New("no such command"))
			return
		}
		var a args
		body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if len(body) > 0 && string(body) != "null" {
			if err := strictjson.Unmarshal(body, &a); err != nil {
				reply(w, http.StatusBadRequest, nil, err)
				return
			}
		}
		out, err := run(r.Context(), &a)
		if err != nil {
			reply(w, http.StatusUnprocessableEntity, nil, err)
			return
		}
		reply(w, http.StatusOK, out, nil)
	})
}

func reply(w http.ResponseWriter, status int, v any, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err != nil {
		code := "failed"
		var re *federation.RemoteError
		if errors.As(err, &re) {
			code = re.Code
		}
		json.NewEncoder(w).Encode(map[string]string{"error": err.Error(), "code": code})
		return
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Write(b)
}
