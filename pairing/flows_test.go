package pairing

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	pocketID = Identity{ComputerID: "pocket-1", Label: "Pocket"}
	zoneAID  = Identity{ComputerID: "zone-a", Label: "Kitchen"}
	zoneBID  = Identity{ComputerID: "zone-b", Label: "Garage"}
)

func testGrant() Grant {
	return Grant{Secret: NewSecret(), Swarm: "swarm-1", Epoch: 1, ZoneID: pocketID.ComputerID, ZoneName: pocketID.Label}
}

// codeBox passes a displayed code from the zone's "screen" to the person.
type codeBox struct {
	mu    sync.Mutex
	codes []Code
	ch    chan Code
}

func newCodeBox() *codeBox { return &codeBox{ch: make(chan Code, 16)} }
func (b *codeBox) display(c Code) {
	b.mu.Lock()
	b.codes = append(b.codes, c)
	b.mu.Unlock()
	b.ch <- c
}

type acceptResult struct {
	g   *Grant
	err error
}

func startAccept(ctx context.Context, tr Transport, id Identity, box *codeBox, opts ...Option) chan acceptResult {
	out := make(chan acceptResult, 1)
	go func() {
		g, err := AcceptFromPocket(ctx, tr, id, AcceptCallbacks{DisplayCode: box.display}, opts...)
		out <- acceptResult{g, err}
	}()
	return out
}

func fastOpts() []Option { return []Option{WithResend(50 * time.Millisecond)} }

func TestAcceptFromPocket(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	net := NewMemNetwork()
	zone, pocket := net.Attach(), net.Attach()
	box := newCodeBox()
	res := startAccept(ctx, zone, zoneAID, box, fastOpts()...)
	give := testGrant()
	var completed string
	var ready []Pending
	p, err := DeliverToPending(ctx, pocket, pocketID, give, DeliverCallbacks{
		Ready:      func(p Pending) { ready = append(ready, p) },
		CodePrompt: func(Pending) (string, error) { return string(<-box.ch), nil },
		Complete:   func(l string) { completed = l },
	}, 5*time.Second, fastOpts()...)
	require.NoError(t, err)
	assert.Equal(t, zoneAID, p.Identity)
	assert.Equal(t, "Kitchen", completed)
	require.Len(t, ready, 1)
	r := <-res
	require.NoError(t, r.err)
	assert.Equal(t, give, *r.g)
}

func TestWrongCodeFailsBothSidesNothingDelivered(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	net := NewMemNetwork()
	zone, pocket := net.Attach(), net.Attach()
	var sent []string
	var mu sync.Mutex
	net.Tap(func(from, to Addr, proto Proto, data []byte) {
		if m, err := ParseMessage(data); err == nil {
			mu.Lock()
			sent = append(sent, m.Type)
			mu.Unlock()
		}
	})
	box := newCodeBox()
	var statuses []string
	var smu sync.Mutex
	res := make(chan acceptResult, 1)
	go func() {
		g, err := AcceptFromPocket(ctx, zone, zoneAID, AcceptCallbacks{DisplayCode: box.display, Status: func(s string) {
			smu.Lock()
			statuses = append(statuses, s)
			smu.Unlock()
		}}, fastOpts()...)
		res <- acceptResult{g, err}
	}()
	shown := <-box.ch
	wrong := Code("ABCD-EFGH")
	if wrong == shown {
		wrong = "ABCD-EFGJ"
	}
	var invalid []string
	_, err := DeliverToPending(ctx, pocket, pocketID, testGrant(), DeliverCallbacks{
		CodePrompt:  func(Pending) (string, error) { return string(wrong), nil },
		CodeInvalid: func(s string) { invalid = append(invalid, s) },
	}, 5*time.Second, fastOpts()...)
	// The pocket saw a wrong code at every try until the zone refused
	// further attempts.
	require.ErrorIs(t, err, ErrRejected)
	assert.Equal(t, []string{"wrong code", "wrong code", "wrong code"}, invalid)
	r := <-res
	require.ErrorIs(t, r.err, ErrTooManyAttempts)
	assert.Nil(t, r.g)
	mu.Lock()
	defer mu.Unlock()
	assert.NotContains(t, sent, TypeDeliver, "nothing delivered")
	assert.NotContains(t, sent, TypeComplete)
	assert.Contains(t, sent, TypeReject)
}

func TestPocketPicksAmongPendingAndRetypes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	net := NewMemNetwork()
	za, zb, pocket := net.Attach(), net.Attach(), net.Attach()
	boxA, boxB := newCodeBox(), newCodeBox()
	resA := startAccept(ctx, za, zoneAID, boxA, fastOpts()...)
	resB := startAccept(ctx, zb, zoneBID, boxB, fastOpts()...)
	codeB := <-boxB.ch
	tries := 0
	p, err := DeliverToPending(ctx, pocket, pocketID, testGrant(), DeliverCallbacks{
		Choose: func(pending []Pending) (int, bool) {
			for i, p := range pending {
				if p.Label == "Garage" && len(pending) == 2 {
					return i, true
				}
			}
			return 0, false
		},
		CodePrompt: func(p Pending) (string, error) {
			tries++
			switch tries {
			case 1:
				return "not a code", nil
			case 2:
				return "ZZZZ-ZZZZ", nil // wrong (unless drawn, 2^-40)
			}
			return string(codeB), nil
		},
	}, 5*time.Second, fastOpts()...)
	require.NoError(t, err)
	assert.Equal(t, zoneBID, p.Identity)
	assert.Equal(t, 3, tries)
	rb := <-resB
	require.NoError(t, rb.err)
	cancel()
	ra := <-resA
	require.ErrorIs(t, ra.err, ErrTimeout)
}

func TestHostAndJoin(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	net := NewMemNetwork()
	host, j1, j2, j3 := net.Attach(), net.Attach(), net.Attach(), net.Attach()
	box := newCodeBox()
	give := testGrant()
	var joinedIDs []Identity
	hostDone := make(chan struct {
		n   int
		err error
	}, 1)
	go func() {
		n, err := HostSession(ctx, host, zoneAID, give, HostCallbacks{DisplayCode: box.display,
			Join: func(id Identity) { joinedIDs = append(joinedIDs, id) }}, append(fastOpts(), WithMaxJoins(2))...)
		hostDone <- struct {
			n   int
			err error
		}{n, err}
	}()
	c1 := <-box.ch
	// A wrong code fails on the joiner's side and delivers nothing.
	_, err := JoinWithCode(ctx, j3, zoneBID, "ZZZZ-ZZZ2", JoinCallbacks{}, fastOpts()...)
	require.ErrorIs(t, err, ErrWrongCode)

	g1, err := JoinWithCode(ctx, j1, pocketID, string(c1), JoinCallbacks{}, fastOpts()...)
	require.NoError(t, err)
	assert.Equal(t, give, *g1)
	c2 := <-box.ch
	assert.NotEqual(t, c1, c2, "a fresh code for each joiner")
	// The first code is single use.
	_, err = JoinWithCode(ctx, j3, zoneBID, string(c1), JoinCallbacks{}, fastOpts()...)
	require.ErrorIs(t, err, ErrWrongCode)
	g2, err := JoinWithCode(ctx, j2, zoneBID, string(c2), JoinCallbacks{}, fastOpts()...)
	require.NoError(t, err)
	assert.Equal(t, give, *g2)
	hd := <-hostDone
	require.NoError(t, hd.err)
	assert.Equal(t, 2, hd.n)
	assert.Equal(t, []Identity{pocketID, zoneBID}, joinedIDs)
}

func TestCodeExpiryAndLimit(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := shownCode{code: "ABCD-EFGH", shown: now}
	require.NoError(t, s.attempt(now))
	require.NoError(t, s.attempt(now.Add(59*time.Second)))
	require.ErrorIs(t, s.attempt(now.Add(60*time.Second)), ErrCodeExpired)
	require.ErrorIs(t, s.attempt(now.Add(-time.Second)), ErrCodeExpired)
	require.NoError(t, s.attempt(now.Add(time.Second)))
	require.ErrorIs(t, s.attempt(now.Add(time.Second)), ErrTooManyAttempts)
	s2 := shownCode{code: "ABCD-EFGH", shown: now, used: true}
	require.ErrorIs(t, s2.attempt(now), ErrCodeUsed)

	// A host whose code expires shows a new one; the old one no longer works.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var mu sync.Mutex
	clock := now
	nowf := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	net := NewMemNetwork()
	host, j := net.Attach(), net.Attach()
	box := newCodeBox()
	go HostSession(ctx, host, zoneAID, testGrant(), HostCallbacks{DisplayCode: box.display}, WithClock(nowf), WithResend(50*time.Millisecond))
	old := <-box.ch
	mu.Lock()
	clock = clock.Add(61 * time.Second)
	mu.Unlock()
	fresh := <-box.ch
	require.NotEqual(t, old, fresh)
	_, err := JoinWithCode(ctx, j, zoneBID, string(old), JoinCallbacks{}, fastOpts()...)
	require.ErrorIs(t, err, ErrWrongCode)
	_, err = JoinWithCode(ctx, j, zoneBID, string(fresh), JoinCallbacks{}, fastOpts()...)
	require.NoError(t, err)
}

func TestHostAttemptLimit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	net := NewMemNetwork()
	host, j := net.Attach(), net.Attach()
	box := newCodeBox()
	done := make(chan error, 1)
	go func() {
		_, err := HostSession(ctx, host, zoneAID, testGrant(), HostCallbacks{DisplayCode: box.display}, fastOpts()...)
		done <- err
	}()
	code := <-box.ch
	for i := 0; i < MaxAttempts; i++ {
		_, err := JoinWithCode(ctx, j, zoneBID, "ZZZZ-ZZZ3", JoinCallbacks{}, fastOpts()...)
		require.ErrorIs(t, err, ErrWrongCode)
	}
	// The right code no longer helps: the limit is reached.
	_, err := JoinWithCode(ctx, j, zoneBID, string(code), JoinCallbacks{}, fastOpts()...)
	require.ErrorIs(t, err, ErrRejected)
	var re *RejectError
	require.True(t, errors.As(err, &re))
	assert.Contains(t, re.Reason, "too many attempts")
	require.ErrorIs(t, <-done, ErrTooManyAttempts)
}

func TestParseCode(t *testing.T) {
	for _, in := range []string{"ABCD-EFGH", "abcd-efgh", "abcdefgh", " ab-cd ef-gh", "AbCd-EfGh"} {
		c, err := ParseCode(in)
		require.NoError(t, err, in)
		assert.Equal(t, Code("ABCD-EFGH"), c)
	}
	for _, in := range []string{"", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG1", "ABCD-EFGO", "ABCD-EFGI", "ABCD_EFGH", "ÄBCD-EFGH"} {
		_, err := ParseCode(in)
		require.ErrorIs(t, err, ErrBadCode, in)
	}
	seen := map[Code]bool{}
	for range 200 {
		c := NewCode()
		p, err := ParseCode(string(c))
		require.NoError(t, err)
		require.Equal(t, c, p)
		require.Len(t, string(c), 9)
		seen[c] = true
	}
	assert.Greater(t, len(seen), 195)
	assert.Len(t, CodeAlphabet, 32)
}
