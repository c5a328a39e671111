package pairing

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"
)

func transcriptSeeds(f *testing.F) *transcriptVector {
	b, err := os.ReadFile(transcriptPath)
	if err != nil {
		f.Fatal(err)
	}
	var v transcriptVector
	if err := json.Unmarshal(b, &v); err != nil {
		f.Fatal(err)
	}
	return &v
}

// FuzzParseMessage: only ErrMalformed comes back, and an accepted message
// re-encodes to a message that parses to the same value.
func FuzzParseMessage(f *testing.F) {
	v := transcriptSeeds(f)
	for _, m := range v.Messages {
		f.Add([]byte(m.JSON))
	}
	f.Add([]byte(`{"type":"PAIR_REJECT","v":1,"sid":"AAAAAAAAAAAAAAAAAAAAAA","reason":"wrong code"}`))
	f.Add([]byte(`{"type":"pair_confirm","v":1,"sid":"AAAAAAAAAAAAAAAAAAAAAA","confirm":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMessage(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatalf("accepted message does not re-encode: %v", err)
		}
		m2, err := ParseMessage(out)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("re-encoded message differs: %v\n%+v\n%+v", err, m, m2)
		}
	})
}

// FuzzParseFrame: an accepted frame is exactly what appendFrame writes for
// its members (one encoding).
func FuzzParseFrame(f *testing.F) {
	v := transcriptSeeds(f)
	f.Add([]byte(v.Swarm.Frame))
	f.Add([]byte(`{"body":{},"from":"zone-a","seq":1,"to":"zone-b"}`))
	f.Add([]byte(`{"body":[1,"x",null],"from":"a","seq":9007199254740991}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, _, err := parseFrame(b, nil)
		if err != nil {
			return
		}
		out, err := appendFrame(nil, fr.Body, fr.From, fr.Seq, fr.To)
		if err != nil || !bytes.Equal(out, b) {
			t.Fatalf("frame %q re-encodes as %q (%v)", b, out, err)
		}
	})
}

// FuzzChannelOpen: only declared errors come back; an accepted message has
// a canonical body and a valid sender.
func FuzzChannelOpen(f *testing.F) {
	v := transcriptSeeds(f)
	f.Add([]byte(v.Swarm.Envelope))
	secret := unhexF(f, v.Swarm.Secret)
	var sec Secret
	copy(sec[:], secret)
	g := Grant{Secret: sec, Swarm: v.Swarm.Swarm, Epoch: v.Swarm.Epoch}
	clock := func() time.Time { return time.Unix(v.Swarm.Timestamp, 0) }
	plain, err := NewChannel("zone-p", g, WithClock(clock), WithStartupFence(time.Time{}), WithAuthOnly())
	if err != nil {
		f.Fatal(err)
	}
	for _, k := range []string{KindPeriphCall, KindRekey, KindDiscover} {
		m, err := plain.Seal(k, "zone-9", map[string]any{"requestId": "r1", "args": []int{1}})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(m)
	}
	declared := []error{ErrUnknownKey, ErrStale, ErrReplay, ErrReordered, ErrBadMAC, ErrPlaintext, ErrMalformed}
	f.Fuzz(func(t *testing.T, b []byte) {
		// A fresh channel each time, so that replay and order checks do
		// not depend on earlier inputs.
		for _, auth := range []bool{false, true} {
			opts := []Option{WithClock(clock), WithStartupFence(time.Time{})}
			if auth {
				opts = append(opts, WithAuthOnly())
			}
			ch, err := NewChannel("zone-9", g, opts...)
			if err != nil {
				t.Fatal(err)
			}
			r, err := ch.Open(b)
			if err != nil {
				ok := false
				for _, d := range declared {
					ok = ok || errors.Is(err, d)
				}
				if !ok {
					t.Fatalf("undeclared error %v", err)
				}
				continue
			}
			if !validID(r.From) || r.Seq < 1 {
				t.Fatalf("accepted bad frame %+v", r)
			}
			canon, err := canonicalJSON(json.RawMessage(r.Body))
			if err != nil || !bytes.Equal(canon, r.Body) {
				t.Fatalf("body not canonical: %q", r.Body)
			}
		}
	})
}

// FuzzSwarmBodies: the typed payload decoders and the sealed pairing bodies
// accept only what re-encodes to an equal value.
func FuzzSwarmBodies(f *testing.F) {
	f.Add(byte(0), []byte(`{"zoneId":"z","zoneName":"Z","deviceKey":"CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk","isController":false}`))
	f.Add(byte(1), []byte(`{"requestId":"r","peripheral":"lamp","method":"set","args":[1,{"a":2}]}`))
	f.Add(byte(2), []byte(`{"requestId":"r","ok":true,"result":{"level":7}}`))
	f.Add(byte(3), []byte(`{"epoch":2,"graceSeconds":120,"ephemeral":"AA","sealed":"AA"}`))
	f.Add(byte(4), []byte(`{"zoneId":"z","peripherals":[{"name":"lamp","type":"light","methods":["get"]}]}`))
	f.Add(byte(5), []byte(`{"epoch":1,"secret":"AFiALm-AcLSJ3KQ_K48bm2irNXLKC8SBLrH__nB63tc","swarm":"s","zoneId":"z","zoneName":"Z"}`))
	f.Add(byte(6), []byte(`{"label":"Kitchen","success":true}`))
	f.Add(byte(7), []byte(`{"reason":"host is busy"}`))
	f.Fuzz(func(t *testing.T, kind byte, b []byte) {
		var v any
		switch kind % 8 {
		case 0:
			v = new(Announce)
		case 1:
			v = new(PeriphCall)
		case 2:
			v = new(PeriphResult)
		case 3:
			v = new(Rekey)
		case 4:
			v = new(PeriphAnnounce)
		case 5:
			v = new(grantBody)
		case 6:
			v = new(completeBody)
		case 7:
			v = new(rejectBody)
		}
		r := &Received{Kind: "X", Body: b}
		if err := r.Decode(v); err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		if g, ok := v.(*grantBody); ok {
			g.check(TypeDeliver)
		}
		if r, ok := v.(*rejectBody); ok {
			if err := r.check(); err != nil && !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error %v", err)
			}
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		w := reflect.New(reflect.TypeOf(v).Elem()).Interface()
		if err := (&Received{Kind: "X", Body: out}).Decode(w); err != nil || !reflect.DeepEqual(v, w) {
			t.Fatalf("re-encoded body differs: %v\n%s", err, out)
		}
	})
}

// FuzzParseCode: an accepted code is canonical and parses to itself.
func FuzzParseCode(f *testing.F) {
	f.Add("abcd-efgh")
	f.Add("ABCD EFGH")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			if !errors.Is(err, ErrBadCode) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		if c2, err := ParseCode(string(c)); err != nil || c2 != c || len(c) != 9 || c[4] != '-' {
			t.Fatalf("%q parsed as %q, which parses as %q (%v)", s, c, c2, err)
		}
	})
}

func unhexF(f *testing.F, s string) []byte {
	f.Helper()
	b := make([]byte, len(s)/2)
	for i := range b {
		var x byte
		for _, c := range s[2*i : 2*i+2] {
			x <<= 4
			switch {
			case c >= '0' && c <= '9':
				x |= byte(c - '0')
			case c >= 'a' && c <= 'f':
				x |= byte(c - 'a' + 10)
			}
		}
		b[i] = x
	}
	return b
}

// FuzzParseConfig: only ErrMalformed comes back, and an accepted
// configuration re-encodes to one that parses to the same value.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"v":1,"role":"zone","zoneId":"d1","zoneName":"Kitchen","isController":false,"network":{"enabled":true,"secret":"AFiALm-AcLSJ3KQ_K48bm2irNXLKC8SBLrH__nB63tc","swarm":"s1","epoch":1,"acceptedUntil":1767657630}}`))
	f.Add([]byte(`{"v":1,"role":"pocket","zoneId":"d2","zoneName":"Pocket","isController":true,"network":{"enabled":false}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseConfig(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("undeclared error %v", err)
			}
			return
		}
		out, err := canonicalJSON(c)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := ParseConfig(out)
		if err != nil || !reflect.DeepEqual(c, c2) {
			t.Fatalf("re-encoded config differs: %v\n%s", err, out)
		}
	})
}
