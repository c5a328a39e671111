package simchain

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
)

// Behaviour says how a [Proxy] departs from an honest endpoint. The zero
// value forwards every request unchanged.
type Behaviour struct {
	// Delay is added before each HTTP request is forwarded.
	Delay time.Duration
	// Lie flips one byte of every eth_call result and of the data of every
	// log in eth_getLogs results.
	Lie bool
	// Lag serves the chain as it was Lag blocks ago: head answers are
	// rewritten to head-Lag and blocks above it are refused.
	Lag uint64
	// Ahead claims a head Ahead blocks (and 12 s per block) in the future:
	// eth_blockNumber and the latest block are rewritten; everything else is
	// forwarded unchanged.
	Ahead uint64
	// Dead closes the proxy's listener at once: connections are refused.
	Dead bool
}

// Proxy is an httptest JSON-RPC endpoint in front of a [Chain].
type Proxy struct {
	// URL is the proxy's http://127.0.0.1:port address.
	URL string

	srv      *httptest.Server
	upstream string
	b        Behaviour
	client   *http.Client
	requests atomic.Int64
	down     atomic.Bool
	lag      atomic.Uint64
}

// NewProxy starts a proxy in front of the JSON-RPC endpoint upstream (which
// must be on loopback). Close it when done.
func NewProxy(upstream string, b Behaviour) *Proxy {
	p := &Proxy{upstream: upstream, b: b, client: &http.Client{Timeout: 30 * time.Second}}
	p.lag.Store(b.Lag)
	p.srv = httptest.NewServer(p)
	p.URL = p.srv.URL
	if b.Dead {
		p.srv.Close()
	}
	return p
}

// Close stops the proxy.
func (p *Proxy) Close() {
	if !p.b.Dead {
		p.srv.Close()
	}
}

// Kill closes the proxy's listener and open connections: from now on it
// refuses connections like a dead endpoint.
func (p *Proxy) Kill() {
	if !p.b.Dead {
		p.b.Dead = true
		p.srv.CloseClientConnections()
		p.srv.Close()
	}
}

// SetDown makes the proxy drop every connection without an answer (down)
// or serve again (up), like an endpoint that goes away and comes back.
func (p *Proxy) SetDown(down bool) { p.down.Store(down) }

// SetLag makes the proxy serve the chain as it was lag blocks ago from now
// on (see [Behaviour].Lag); 0 serves it as it is.
func (p *Proxy) SetLag(lag uint64) { p.lag.Store(lag) }

// Requests reports how many HTTP requests the proxy has served.
func (p *Proxy) Requests() int64 { return p.requests.Load() }

type rpcMessage struct {
	JSONRPC string            `json:"jsonrpc"`
	ID      json.RawMessage   `json:"id,omitempty"`
	Method  string            `json:"method,omitempty"`
	Params  []json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage   `json:"result,omitempty"`
	Error   *proxyError       `json:"error,omitempty"`
}

type proxyError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

const maxProxyBody = 8 << 20

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	if p.down.Load() {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		http.Error(w, "endpoint down", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxProxyBody))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	if p.b.Delay > 0 {
		t := time.NewTimer(p.b.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if !p.b.Lie && p.lag.Load() == 0 && p.b.Ahead == 0 {
		out, err := p.forward(r.Context(), body)
		p.reply(w, out, err)
		return
	}
	trimmed := bytes.TrimSpace(body)
	batch := len(trimmed) > 0 && trimmed[0] == '['
	var msgs []rpcMessage
	if batch {
		err = json.Unmarshal(trimmed, &msgs)
	} else {
		var m rpcMessage
		err = json.Unmarshal(trimmed, &m)
		msgs = []rpcMessage{m}
	}
	if err != nil {
		http.Error(w, "bad json-rpc request", http.StatusBadRequest)
		return
	}
	replies := make([]rpcMessage, len(msgs))
	for i, m := range msgs {
		replies[i] = p.handle(r.Context(), m)
	}
	var out []byte
	if batch {
		out, err = json.Marshal(replies)
	} else {
		out, err = json.Marshal(replies[0])
	}
	p.reply(w, out, err)
}

func (p *Proxy) reply(w http.ResponseWriter, out []byte, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

func (p *Proxy) forward(ctx context.Context, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.upstream, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("upstream status %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxProxyBody))
}

// call sends one request upstream and returns its reply.
func (p *Proxy) call(ctx context.Context, m rpcMessage) (rpcMessage, error) {
	m.JSONRPC = "2.0"
	if m.ID == nil {
		m.ID = json.RawMessage("1")
	}
	body, err := json.Marshal(m)
	if err != nil {
		return rpcMessage{}, err
	}
	out, err := p.forward(ctx, body)
	if err != nil {
		return rpcMessage{}, err
	}
	var reply rpcMessage
	if err := json.Unmarshal(out, &reply); err != nil {
		return rpcMessage{}, err
	}
	return reply, nil
}

func (p *Proxy) upstreamHead(ctx context.Context) (uint64, error) {
	reply, err := p.call(ctx, rpcMessage{Method: "eth_blockNumber"})
	if err != nil {
		return 0, err
	}
	var n hexutil.Uint64
	if err := json.Unmarshal(reply.Result, &n); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// blockOfHash returns the number of the block with the given hash upstream.
func (p *Proxy) blockOfHash(ctx context.Context, hash json.RawMessage) (uint64, bool, error) {
	reply, err := p.call(ctx, rpcMessage{Method: "eth_getBlockByHash", Params: []json.RawMessage{hash, json.RawMessage("false")}})
	if err != nil {
		return 0, false, err
	}
	var h struct {
		Number hexutil.Uint64 `json:"number"`
	}
	if string(reply.Result) == "null" || len(reply.Result) == 0 {
		return 0, false, nil
	}
	if err := json.Unmarshal(reply.Result, &h); err != nil {
		return 0, false, err
	}
	return uint64(h.Number), true, nil
}

func errorReply(m rpcMessage, code int, msg string) rpcMessage {
	return rpcMessage{JSONRPC: "2.0", ID: m.ID, Error: &proxyError{Code: code, Message: msg}}
}

func resultReply(m rpcMessage, result any) rpcMessage {
	raw, _ := json.Marshal(result)
	return rpcMessage{JSONRPC: "2.0", ID: m.ID, Result: raw}
}

var errHidden = errors.New("block above the lagging head")

// handle answers one message according to the behaviour.
func (p *Proxy) handle(ctx context.Context, m rpcMessage) rpcMessage {
	if lag := p.lag.Load(); lag > 0 || p.b.Ahead > 0 {
		head, err := p.upstreamHead(ctx)
		if err != nil {
			return errorReply(m, -32603, "upstream: "+err.Error())
		}
		if lag > 0 {
			visible := uint64(0)
			if head > lag {
				visible = head - lag
			}
			rewritten, err := p.lagRewrite(ctx, m, visible)
			if errors.Is(err, errHidden) {
				return errorReply(m, -32000, "header not found")
			}
			if err != nil {
				return errorReply(m, -32602, err.Error())
			}
			if rewritten.Result != nil || rewritten.Error != nil {
				return rewritten
			}
			m = rewritten
		}
		if p.b.Ahead > 0 {
			if reply, ok := p.aheadReply(ctx, m, head); ok {
				return reply
			}
		}
	}
	reply, err := p.call(ctx, m)
	if err != nil {
		return errorReply(m, -32603, "upstream: "+err.Error())
	}
	reply.ID = m.ID
	if p.b.Lie && reply.Error == nil {
		reply.Result = lie(m.Method, reply.Result)
	}
	return reply
}

func isTag(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return false
	}
	switch s {
	case "latest", "pending", "safe", "finalized":
		return true
	}
	return false
}

func blockNumberOf(raw json.RawMessage) (uint64, bool) {
	var s string
	if json.Unmarshal(raw, &s) != nil || !strings.HasPrefix(s, "0x") {
		return 0, false
	}
	n, err := strconv.ParseUint(s[2:], 16, 64)
	return n, err == nil
}

// lagRewrite rewrites m so that the upstream answers as of block visible; a
// reply is returned directly when the answer is decided here.
func (p *Proxy) lagRewrite(ctx context.Context, m rpcMessage, visible uint64) (rpcMessage, error) {
	vis := json.RawMessage(strconv.Quote(hexutil.EncodeUint64(visible)))
	// checkBlock rewrites a block parameter (tag, number or EIP-1898 object).
	checkBlock := func(i int) error {
		if i >= len(m.Params) {
			m.Params = append(m.Params, vis)
			return nil
		}
		raw := m.Params[i]
		if isTag(raw) {
			m.Params[i] = vis
			return nil
		}
		if n, ok := blockNumberOf(raw); ok {
			if n > visible {
				return errHidden
			}
			return nil
		}
		var obj struct {
			BlockHash   json.RawMessage `json:"blockHash"`
			BlockNumber json.RawMessage `json:"blockNumber"`
		}
		if json.Unmarshal(raw, &obj) == nil {
			if obj.BlockHash != nil {
				n, found, err := p.blockOfHash(ctx, obj.BlockHash)
				if err != nil {
					return err
				}
				if !found || n > visible {
					return errHidden
				}
			}
			if obj.BlockNumber != nil {
				if isTag(obj.BlockNumber) {
					m.Params[i] = vis
				} else if n, ok := blockNumberOf(obj.BlockNumber); ok && n > visible {
					return errHidden
				}
			}
		}
		return nil
	}
	switch m.Method {
	case "eth_blockNumber":
		return resultReply(m, hexutil.Uint64(visible)), nil
	case "eth_getBlockByNumber":
		if len(m.Params) > 0 {
			if err := checkBlock(0); errors.Is(err, errHidden) {
				return resultReply(m, nil), nil
			} else if err != nil {
				return m, err
			}
		}
	case "eth_getBlockByHash":
		if len(m.Params) > 0 {
			n, found, err := p.blockOfHash(ctx, m.Params[0])
			if err != nil {
				return m, err
			}
			if !found || n > visible {
				return resultReply(m, nil), nil
			}
		}
	case "eth_call", "eth_getBalance", "eth_getCode", "eth_getStorageAt", "eth_getTransactionCount":
		idx := 1
		switch m.Method {
		case "eth_getBalance", "eth_getCode", "eth_getTransactionCount":
			idx = 1
		case "eth_getStorageAt":
			idx = 2
		}
		if err := checkBlock(idx); err != nil {
			return m, err
		}
	case "eth_getLogs":
		if len(m.Params) == 1 {
			var q map[string]json.RawMessage
			if err := json.Unmarshal(m.Params[0], &q); err != nil {
				return m, err
			}
			if bh, ok := q["blockHash"]; ok {
				n, found, err := p.blockOfHash(ctx, bh)
				if err != nil {
					return m, err
				}
				if !found || n > visible {
					return m, errHidden
				}
			}
			for _, k := range []string{"fromBlock", "toBlock"} {
				raw, ok := q[k]
				if !ok && k == "toBlock" {
					q[k] = vis
					continue
				}
				if ok && isTag(raw) {
					q[k] = vis
				} else if n, isNum := blockNumberOf(raw); isNum && n > visible {
					q[k] = vis
				}
			}
			m.Params[0], _ = json.Marshal(q)
		}
	}
	return m, nil
}

// aheadReply answers head queries with a head Ahead blocks in the future.
func (p *Proxy) aheadReply(ctx context.Context, m rpcMessage, head uint64) (rpcMessage, bool) {
	claimed := head + p.b.Ahead
	switch m.Method {
	case "eth_blockNumber":
		return resultReply(m, hexutil.Uint64(claimed)), true
	case "eth_getBlockByNumber":
		if len(m.Params) == 0 || !isTag(m.Params[0]) {
			return rpcMessage{}, false
		}
		reply, err := p.call(ctx, m)
		if err != nil || reply.Error != nil {
			return rpcMessage{}, false
		}
		var hdr map[string]json.RawMessage
		if json.Unmarshal(reply.Result, &hdr) != nil {
			return rpcMessage{}, false
		}
		var ts hexutil.Uint64
		_ = json.Unmarshal(hdr["timestamp"], &ts)
		hdr["number"], _ = json.Marshal(hexutil.Uint64(claimed))
		hdr["timestamp"], _ = json.Marshal(hexutil.Uint64(uint64(ts) + 12*p.b.Ahead))
		return resultReply(m, hdr), true
	}
	return rpcMessage{}, false
}

// lie flips one byte of an eth_call result or of each log's data.
func lie(method string, result json.RawMessage) json.RawMessage {
	switch method {
	case "eth_call":
		var b hexutil.Bytes
		if json.Unmarshal(result, &b) != nil {
			return result
		}
		if len(b) == 0 {
			b = []byte{0}
		}
		b[len(b)-1] ^= 0x01
		out, _ := json.Marshal(b)
		return out
	case "eth_getLogs":
		var logs []map[string]json.RawMessage
		if json.Unmarshal(result, &logs) != nil {
			return result
		}
		for _, l := range logs {
			var b hexutil.Bytes
			if json.Unmarshal(l["data"], &b) != nil {
				continue
			}
			if len(b) == 0 {
				b = []byte{0}
			}
			b[len(b)-1] ^= 0x01
			l["data"], _ = json.Marshal(b)
		}
		out, _ := json.Marshal(logs)
		return out
	}
	return result
}
