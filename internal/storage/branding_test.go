package storage_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// TestBrandingRoundTrip saves the branding, gives it a logo of arbitrary
// bytes, saves the texts again without touching the logo, and removes it.
func TestBrandingRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q := db.Write()
		if _, err := q.Branding(ctx); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("before any save: %v, want not found", err)
		}
		if err := q.SetBrandLogo(ctx, referralhub.Logo{Hash: "x"}, []byte("x")); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("a logo before any save: %v, want not found", err)
		}
		admin, _ := mustUser(t, db, "boss")
		b := referralhub.DefaultBranding()
		b.ProductName, b.Color, b.Share.Email = "Acme ✓", "#123abc", "Hi {name}: {link}"
		if err := q.SaveBranding(ctx, b, admin.ID, t0); err != nil {
			t.Fatal(err)
		}
		want := b
		want.UpdatedBy, want.UpdatedAt = "boss", t0
		assertBranding(t, db, want)

		data := []byte{0x89, 'P', 'N', 'G', 0, 0xff, 0xfe, '\'', '\\'} // NUL, invalid UTF-8, quotes
		logo := referralhub.Logo{ContentType: "image/png", Width: 3, Height: 2, Hash: "abc"}
		if err := q.SetBrandLogo(ctx, logo, data); err != nil {
			t.Fatal(err)
		}
		b.Headline = "Changed"
		if err := q.SaveBranding(ctx, b, 0, t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		want.Headline, want.Logo, want.UpdatedBy, want.UpdatedAt = "Changed", logo, "", t0.Add(time.Second)
		assertBranding(t, db, want)
		gotLogo, gotData, err := db.Read().BrandLogo(ctx)
		if err != nil || gotLogo != logo || !bytes.Equal(gotData, data) {
			t.Fatalf("logo: %+v %q %v", gotLogo, gotData, err)
		}

		if err := q.SetBrandLogo(ctx, logo, nil); err != nil {
			t.Fatal(err)
		}
		want.Logo = referralhub.Logo{}
		assertBranding(t, db, want)
		if _, _, err := db.Read().BrandLogo(ctx); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("removed logo: %v, want not found", err)
		}
	})
}

func assertBranding(t *testing.T, db *storage.DB, want referralhub.Branding) {
	t.Helper()
	got, err := db.Read().Branding(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("updated at %v, want %v", got.UpdatedAt, want.UpdatedAt)
	}
	got.UpdatedAt = want.UpdatedAt
	if got != want {
		t.Errorf("branding:\n got %+v\nwant %+v", got, want)
	}
}
