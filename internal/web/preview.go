package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// maxPreviews bounds the preview images kept in memory (about 30 KiB
// each).
const maxPreviews = 1000

// previewMeta is a page's Open Graph and Twitter card tags: what a chat
// app or social network shows when a referral link is pasted.
type previewMeta struct {
	Title, Description string
	URL                string // the link itself
	Image, ImageAlt    string
}

// previewView is the page a link-preview bot gets for a referral link.
type previewView struct {
	Title, Offer string
}

// linkPreview is what a link of owner's shows when shared: the tags, and
// the card its image draws.
func (s *Server) linkPreview(ctx context.Context, owner referralhub.CodeOwner) (previewMeta, previewCard) {
	b := s.svc.BrandingOrDefault(ctx)
	offer := "Sign up to join " + owner.Username + "."
	if prog, err := s.svc.Program(ctx); err == nil {
		offer = friendOffer(prog, owner.Username)
	}
	pal := core.PaletteOf(b.Color)
	card := previewCard{Product: b.ProductName, Title: owner.Username + " invited you", Offer: offer,
		Background: pal.Brand, Text: pal.Text}
	link := s.cfg.BaseURL + "/r/" + owner.Code
	meta := previewMeta{Title: owner.Username + " invited you to " + b.ProductName, Description: offer, URL: link,
		Image: link + "/preview.png?v=" + card.version(), ImageAlt: card.Title + " to " + b.ProductName + ". " + offer}
	return meta, card
}

// version names what the card says and how it looks, so the image's URL
// and ETag change with it.
func (c previewCard) version() string {
	sum := sha256.Sum256([]byte(c.Product + "\x00" + c.Title + "\x00" + c.Offer + "\x00" + c.Background + c.Text))
	return hex.EncodeToString(sum[:8])
}

// servePreview answers a link-preview bot at the referral link itself
// with a page carrying the link's tags; the bot's click is kept as a bot
// click, which counts for nothing.
func (s *Server) servePreview(w http.ResponseWriter, r *http.Request, owner referralhub.CodeOwner) {
	meta, _ := s.linkPreview(r.Context(), owner)
	s.render(w, r, http.StatusOK, "preview", pageData{Title: meta.Title, Description: meta.Description,
		Preview: &meta, Data: previewView{Title: meta.Title, Offer: meta.Description}})
}

// handlePreviewImage serves GET /r/{code}/preview.png: the link's
// 1200×630 preview image, drawn once per look (kept in a bounded memory
// cache) and cacheable by anyone for a day under its ETag.
func (s *Server) handlePreviewImage(w http.ResponseWriter, r *http.Request) {
	owner, ok := s.svc.LinkOwner(r.Context(), r.PathValue("code"))
	if !ok {
		s.renderError(w, r, referralhub.Errorf(referralhub.ENOTFOUND, "There is no page here."))
		return
	}
	_, card := s.linkPreview(r.Context(), owner)
	etag := `"` + card.version() + `"`
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	img, ok := s.previews.Get(etag, s.now())
	if !ok {
		var err error
		if img, err = s.fonts.draw(card); err != nil {
			s.renderError(w, r, err)
			return
		}
		s.previews.Put(etag, img, s.now())
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(img)
}
