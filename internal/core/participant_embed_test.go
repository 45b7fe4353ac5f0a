package core_test

import (
	"context"
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// writeKey makes a write API key and returns it as the API sees it.
func (f *fixture) writeKey(t *testing.T, name string) referralhub.APIKey {
	t.Helper()
	k, err := f.svc.CreateAPIKey(context.Background(), f.admin(t), name, core.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	return k.APIKey
}

// mint mints an embed token, failing the test on error.
func (f *fixture) mint(t *testing.T, key referralhub.APIKey, req core.EmbedRequest) core.EmbedToken {
	t.Helper()
	tok, err := f.svc.MintEmbedToken(context.Background(), key, req)
	if err != nil {
		t.Fatalf("mint %+v: %v", req, err)
	}
	return tok
}

func byExternal(id string) core.EmbedRequest {
	return core.EmbedRequest{Participant: &core.ParticipantInput{ExternalID: id, Email: ptr(id + "@example.com"), Name: ptr("Ann")}}
}

// TestEmbedTokenMintAndCheck mints a token by external id (creating the
// participant), again (finding it), and by participant id; each opens the
// page of its participant until it expires, and its URL leads to the page.
func TestEmbedTokenMintAndCheck(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		key := f.writeKey(t, "shop")
		before, _ := f.svc.ProgramStats(ctx) // the admin's own participant
		first := f.mint(t, key, byExternal("u-1"))
		p, err := f.svc.Participant(ctx, "ext:u-1")
		if err != nil || p.ID != first.ParticipantID || p.Name != "Ann" || p.Email != "u-1@example.com" {
			t.Fatalf("the first token made %+v (%v), token for %d", p, err, first.ParticipantID)
		}
		if want := f.clock.Now().Add(core.EmbedTTLDefault); !first.ExpiresAt.Equal(want) {
			t.Errorf("expires at %v, want %v (the default hour)", first.ExpiresAt, want)
		}
		u, err := url.Parse(first.URL)
		if err != nil || u.Scheme+"://"+u.Host != "http://refer.example.com" || u.Path != core.EmbedPagePath || u.Query().Get("token") != first.Token {
			t.Errorf("URL %q", first.URL)
		}
		// Found the second time: nobody new, the name and email as they were.
		again := f.mint(t, key, core.EmbedRequest{Participant: &core.ParticipantInput{ExternalID: "u-1", Name: ptr("Someone else")},
			TTLSeconds: ptr(int64(60))})
		if again.ParticipantID != p.ID || !again.ExpiresAt.Equal(f.clock.Now().Add(time.Minute)) {
			t.Fatalf("again = %+v", again)
		}
		if st, _ := f.svc.ProgramStats(ctx); st.Participants != before.Participants+1 {
			t.Errorf("%d participants, want %d", st.Participants, before.Participants+1)
		}
		byID := f.mint(t, key, core.EmbedRequest{ParticipantID: ptr(p.ID), TTLSeconds: ptr(int64(86_400))})
		for _, tok := range []core.EmbedToken{first, again, byID} {
			v, err := f.svc.CheckEmbedToken(ctx, tok.Token)
			if err != nil || v.Participant.ID != p.ID || v.Participant.Code != p.Code || v.Name != "Ann" || !v.ExpiresAt.Equal(tok.ExpiresAt) {
				t.Errorf("check %s: %+v, %v", tok.Token, v, err)
			}
		}
		f.clock.Advance(time.Minute)
		if _, err := f.svc.CheckEmbedToken(ctx, again.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("a token at its expiry: %v", err)
		}
		if _, err := f.svc.CheckEmbedToken(ctx, first.Token); err != nil {
			t.Errorf("a live token: %v", err)
		}
		f.clock.Advance(core.EmbedTTLMax)
		if _, err := f.svc.CheckEmbedToken(ctx, byID.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("a day-long token after a day: %v", err)
		}
	})
}

// TestEmbedTokenRefused checks what minting refuses: a read key, no
// participant, both ways at once, lifetimes out of bounds, bad participant
// fields, an unknown participant id, and a banned participant.
func TestEmbedTokenRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		key := f.writeKey(t, "shop")
		read, err := f.svc.CreateAPIKey(ctx, f.admin(t), "reader", core.ScopeRead)
		if err != nil {
			t.Fatal(err)
		}
		before, _ := f.svc.ProgramStats(ctx) // the admin's own participant
		if _, err := f.svc.MintEmbedToken(ctx, read.APIKey, byExternal("u-1")); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Errorf("a read key: %v", err)
		}
		ext := byExternal("u-1").Participant
		for _, bad := range []struct {
			req   core.EmbedRequest
			field string
		}{
			{core.EmbedRequest{}, "external_id"},
			{core.EmbedRequest{TTLSeconds: ptr(int64(60))}, "external_id"},
			{core.EmbedRequest{ParticipantID: ptr(int64(1)), Participant: ext}, "participant_id"},
			{core.EmbedRequest{ParticipantID: ptr(int64(0))}, "participant_id"},
			{core.EmbedRequest{ParticipantID: ptr(int64(-3))}, "participant_id"},
			{core.EmbedRequest{Participant: ext, TTLSeconds: ptr(int64(59))}, "ttl_seconds"},
			{core.EmbedRequest{Participant: ext, TTLSeconds: ptr(int64(86_401))}, "ttl_seconds"},
			{core.EmbedRequest{Participant: ext, TTLSeconds: ptr(int64(0))}, "ttl_seconds"},
			{core.EmbedRequest{Participant: ext, TTLSeconds: ptr(int64(1) << 62)}, "ttl_seconds"},
			{core.EmbedRequest{Participant: &core.ParticipantInput{Email: ptr("a@example.com")}}, "external_id"},
			{core.EmbedRequest{Participant: &core.ParticipantInput{ExternalID: "u-2", Email: ptr("nope")}}, "email"},
			{core.EmbedRequest{Participant: &core.ParticipantInput{ExternalID: "u-2", ReferralCode: "zz"}}, "referral_code"},
		} {
			if _, err := f.svc.MintEmbedToken(ctx, key, bad.req); referralhub.ErrorFields(err)[bad.field] == "" {
				t.Errorf("%+v: %v, want a %s error", bad.req, err, bad.field)
			}
		}
		if st, _ := f.svc.ProgramStats(ctx); st.Participants != before.Participants {
			t.Errorf("refused requests made %d participants", st.Participants-before.Participants)
		}
		if _, err := f.svc.MintEmbedToken(ctx, key, core.EmbedRequest{ParticipantID: ptr(int64(999))}); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Errorf("an unknown participant id: %v", err)
		}
		tok := f.mint(t, key, byExternal("u-1"))
		if err := f.svc.Ban(ctx, f.admin(t), tok.ParticipantID, "fraud"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.MintEmbedToken(ctx, key, byExternal("u-1")); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Errorf("a banned participant by external id: %v", err)
		}
		if _, err := f.svc.MintEmbedToken(ctx, key, core.EmbedRequest{ParticipantID: ptr(tok.ParticipantID)}); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Errorf("a banned participant by id: %v", err)
		}
		if _, err := f.svc.CheckEmbedToken(ctx, tok.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("the token of a participant banned since: %v", err)
		}
	})
}

// TestEmbedTokenDies checks that a token dies with its key, and that a
// token that was tampered with, cut short or of another kind opens
// nothing (participant_embed_token_internal_test.go checks another
// install's).
func TestEmbedTokenDies(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		key, other := f.writeKey(t, "shop"), f.writeKey(t, "other shop")
		tok := f.mint(t, key, byExternal("u-1"))
		kept := f.mint(t, other, byExternal("u-1"))
		raw, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(tok.Token, "rhe_"))
		flip := func(i int) string {
			b := append([]byte(nil), raw...)
			b[i] ^= 1
			return "rhe_" + base64.RawURLEncoding.EncodeToString(b)
		}
		bad := map[string]string{
			"empty": "", "prefix only": "rhe_", "no prefix": strings.TrimPrefix(tok.Token, "rhe_"),
			"participant changed": flip(1), "mac changed": flip(len(raw) - 1), "cut short": tok.Token[:len(tok.Token)-4],
			"longer": tok.Token + "AA", "an API key": "rhk_" + strings.Repeat("A", 52), "padded": tok.Token + "=",
			"huge": "rhe_" + strings.Repeat("A", 4000), "not base64": "rhe_" + strings.Repeat("*", 40),
		}
		for name, token := range bad {
			if _, err := f.svc.CheckEmbedToken(ctx, token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
				t.Errorf("%s: %v, want unauthorized", name, err)
			}
		}
		if _, err := f.svc.AuthenticateAPIKey(ctx, tok.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("the token as an API key: %v", err)
		}
		if _, _, err := f.svc.Authenticate(ctx, tok.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("the token as a session: %v", err)
		}
		if err := f.svc.RevokeAPIKey(ctx, f.admin(t), key.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CheckEmbedToken(ctx, tok.Token); referralhub.ErrorCode(err) != referralhub.EUNAUTHORIZED {
			t.Errorf("a revoked key's token: %v", err)
		}
		if _, err := f.svc.CheckEmbedToken(ctx, kept.Token); err != nil {
			t.Errorf("another key's token died with it: %v", err)
		}
	})
}

// TestEmbedOrigins checks the sites that may embed the page: what the
// program accepts, and which page origins they let in.
func TestEmbedOrigins(t *testing.T) {
	prog := core.DefaultProgram(core.DefaultSettings())
	prog.EmbedOrigins = []string{"https://shop.example.com", "http://localhost:3000", "https://*.example.org", "http://127.0.0.1:8090",
		"https://shop.example.net:443"}
	if err := core.ValidateProgram(prog); err != nil {
		t.Fatalf("good origins refused: %v", err)
	}
	for _, bad := range []string{"shop.example.com", "https://shop.example.com/", "https://shop.example.com/path", "ftp://x.example",
		"https://Shop.example.com", "https://*.com", "*", "https://*", "https://a@b.example", "https://x.example:0", "https://x.example:080",
		"https://x.example:65536", "https://x.example:", "http://[::1]:3000", "'self'", "https://x.example;script-src", "https://x .example",
		"javascript://x.example", "https://x.example?q=1", "https://x.example#f", "https://ex ample.com"} {
		p := prog
		p.EmbedOrigins = []string{bad}
		if err := core.ValidateProgram(p); referralhub.ErrorFields(err)["embed_origins"] == "" {
			t.Errorf("%q accepted: %v", bad, err)
		}
	}
	p := prog
	p.EmbedOrigins = make([]string, core.MaxEmbedOrigins+1)
	for i := range p.EmbedOrigins {
		p.EmbedOrigins[i] = "https://a.example"
	}
	if err := core.ValidateProgram(p); referralhub.ErrorFields(err)["embed_origins"] == "" {
		t.Errorf("%d origins accepted", len(p.EmbedOrigins))
	}
	for origin, want := range map[string]bool{
		"https://shop.example.com": true, "http://shop.example.com": false, "https://shop.example.com:8443": false,
		"http://localhost:3000": true, "http://localhost": false, "http://localhost:3001": false,
		"https://a.example.org": true, "https://a.b.example.org": true, "https://example.org": false, "http://a.example.org": false,
		"http://127.0.0.1:8090": true, "https://shop.example.net": true, "https://*.example.org": false, "null": false, "": false,
		"https://shop.example.com/": false, "https://evil.example.com": false, "https://shop.example.com.evil.test": false,
	} {
		if got := core.EmbedOriginAllowed(prog.EmbedOrigins, origin); got != want {
			t.Errorf("EmbedOriginAllowed(%q) = %v, want %v", origin, got, want)
		}
	}
}
