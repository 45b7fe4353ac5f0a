package core_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
	"github.com/referralhub/referralhub/internal/storage"
	"github.com/referralhub/referralhub/internal/storage/storagetest"
)

// pictureOf encodes a w×h image with encode.
func pictureOf(t testing.TB, w, h int, encode func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
	var buf bytes.Buffer
	if err := encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t testing.TB, w, h int) []byte {
	return pictureOf(t, w, h, func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) })
}

func TestCheckLogo(t *testing.T) {
	png1 := pngOf(t, 120, 40)
	jpg := pictureOf(t, 30, 30, func(b *bytes.Buffer, i image.Image) error { return jpeg.Encode(b, i, nil) })
	gif1 := pictureOf(t, 30, 30, func(b *bytes.Buffer, i image.Image) error { return gif.Encode(b, i, nil) })
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`)
	big := append(append([]byte{}, png1...), make([]byte, core.MaxLogoBytes)...)
	for _, c := range []struct {
		name string
		data []byte
		ct   string // "" when refused
		msg  string
	}{
		{"png", png1, "image/png", ""},
		{"jpeg", jpg, "image/jpeg", ""},
		{"gif", gif1, "image/gif", ""},
		{"svg", svg, "", "must be a PNG, JPEG or GIF"},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "", "must be a PNG, JPEG or GIF"},
		{"webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "", "must be a PNG, JPEG or GIF"},
		{"png magic then html", append([]byte("\x89PNG\r\n\x1a\n"), "<html><script>alert(1)</script>"...), "", "could not be read"},
		{"truncated png", png1[:len(png1)-20], "", "could not be read"},
		{"too large", big, "", "at most 256 KiB"},
		{"too wide", pngOf(t, core.MaxLogoSide+1, 10), "", "2049 × 10 pixels"},
		{"empty", []byte{}, "", "empty"},
	} {
		logo, msg := core.CheckLogo(c.data)
		if logo.ContentType != c.ct || !strings.Contains(msg, c.msg) || (c.msg == "") != (msg == "") {
			t.Errorf("%s: %+v %q, want %q %q", c.name, logo, msg, c.ct, c.msg)
		}
		if c.ct != "" && (logo.Width != 120 && logo.Width != 30 || len(logo.Hash) != 64) {
			t.Errorf("%s: described as %+v", c.name, logo)
		}
	}
}

func TestPaletteOf(t *testing.T) {
	for color, want := range map[string]core.Palette{
		referralhub.DefaultBrandColor: {Brand: "#4f46e5", Dark: "#433cc3", Soft: "#ededfc", Text: "#ffffff"},
		"#ffd60a":                     {Brand: "#ffd60a", Dark: "#d9b609", Soft: "#fffbe7", Text: "#111827"},
		"#000000":                     {Brand: "#000000", Dark: "#000000", Soft: "#e6e6e6", Text: "#ffffff"},
		"red":                         {Brand: "#4f46e5", Dark: "#433cc3", Soft: "#ededfc", Text: "#ffffff"},
	} {
		if got := core.PaletteOf(color); got != want {
			t.Errorf("%s: %+v, want %+v", color, got, want)
		}
	}
}

// TestSaveBranding: defaults until saved; only admins save; mistakes are
// field errors and change nothing; a save is audited, seen at once, and
// keeps the logo unless a new one comes or it is removed.
func TestSaveBranding(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		if b, err := f.svc.Branding(ctx); err != nil || b != referralhub.DefaultBranding() {
			t.Fatalf("fresh: %+v %v", b, err)
		}
		user, _ := f.signup(t, "alice", "")
		change := core.BrandingChange{Branding: referralhub.DefaultBranding()}
		if _, err := f.svc.SaveBranding(ctx, user, change); referralhub.ErrorCode(err) != referralhub.EFORBIDDEN {
			t.Fatalf("non-admin: %v", err)
		}
		admin := f.admin(t)

		bad := change
		bad.Branding.ProductName, bad.Branding.Color, bad.Branding.Share.X = " ", "#12345g", strings.Repeat("x", 501)
		bad.Branding.Headline, bad.Logo = "two\nlines", []byte("<svg/>")
		_, err := f.svc.SaveBranding(ctx, admin, bad)
		fields := referralhub.ErrorFields(err)
		for _, name := range []string{"product_name", "color", "share_x", "headline", "logo"} {
			if fields[name] == "" {
				t.Errorf("no error for %s: %v", name, fields)
			}
		}
		if len(fields) != 5 {
			t.Errorf("errors: %v", fields)
		}
		assertAuditCount(t, f, admin, 0)

		good := change
		good.Branding.ProductName, good.Branding.Color, good.Logo = "  Acme  ", "#FFD60A", pngOf(t, 64, 32)
		saved, err := f.svc.SaveBranding(ctx, admin, good)
		if err != nil {
			t.Fatal(err)
		}
		if saved.ProductName != "Acme" || saved.Color != "#ffd60a" || saved.Logo.Width != 64 || saved.UpdatedBy != "boss" {
			t.Fatalf("saved %+v", saved)
		}
		if b, err := f.svc.Branding(ctx); err != nil || b.ProductName != "Acme" || b.Logo != saved.Logo {
			t.Fatalf("read back %+v %v", b, err)
		}
		if logo, data, err := f.svc.BrandLogo(ctx); err != nil || logo != saved.Logo || !bytes.Equal(data, good.Logo) {
			t.Fatalf("logo: %+v %v", logo, err)
		}
		log := assertAuditCount(t, f, admin, 1)
		if log[0].Detail != "Changed the product name, the colour and the logo." {
			t.Errorf("audit detail %q", log[0].Detail)
		}

		keep := good
		keep.Logo, keep.Branding.Headline = nil, "New headline"
		if b, err := f.svc.SaveBranding(ctx, admin, keep); err != nil || b.Logo != saved.Logo {
			t.Fatalf("kept logo: %+v %v", b, err)
		}
		remove := keep
		remove.RemoveLogo = true
		if b, err := f.svc.SaveBranding(ctx, admin, remove); err != nil || b.Logo != (referralhub.Logo{}) {
			t.Fatalf("removed logo: %+v %v", b, err)
		}
		if _, _, err := f.svc.BrandLogo(ctx); referralhub.ErrorCode(err) != referralhub.ENOTFOUND {
			t.Fatalf("logo after removal: %v", err)
		}
		log = assertAuditCount(t, f, admin, 3)
		if log[0].Detail != "Changed the logo." || log[1].Detail != "Changed the landing page." {
			t.Errorf("audit details %q, %q", log[0].Detail, log[1].Detail)
		}
	})
}

func assertAuditCount(t *testing.T, f *fixture, admin referralhub.User, n int) []referralhub.AuditEntry {
	t.Helper()
	log, err := f.svc.AuditLog(context.Background(), admin, "branding.", 1)
	if err != nil || len(log) != n {
		t.Fatalf("branding audit entries: %+v %v, want %d", log, err, n)
	}
	return log
}
