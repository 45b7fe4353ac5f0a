package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"rsc.io/qr"
)

// shareLink is one "share on ..." button.
type shareLink struct {
	Name string
	Href string
}

// shareMessage is the text pre-filled with the link.
const shareMessage = "Join me and we both get rewarded:"

// shareLinks returns the share buttons for link, each pre-filled with it.
func shareLinks(link string) []shareLink {
	text := shareMessage + " " + link
	q := url.QueryEscape
	return []shareLink{
		{"X", "https://x.com/intent/tweet?text=" + q(shareMessage) + "&url=" + q(link)},
		{"Facebook", "https://www.facebook.com/sharer/sharer.php?u=" + q(link)},
		{"LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?url=" + q(link)},
		{"WhatsApp", "https://wa.me/?text=" + q(text)},
		{"Email", "mailto:?subject=" + url.PathEscape("An invitation for you") + "&body=" + url.PathEscape(text)},
	}
}

// qrFor returns link's QR code, rendering it only the first time.
func (s *Server) qrFor(link string) template.HTML {
	if svg, ok := s.qr.Get(link, time.Time{}); ok {
		return svg
	}
	svg := qrSVG(link)
	s.qr.Put(link, svg, time.Time{})
	return svg
}

// qrSVG renders link as an inline SVG QR code, drawn as one path so it
// stays small and needs no inline style.
func qrSVG(link string) template.HTML {
	code, err := qr.Encode(link, qr.M)
	if err != nil {
		return ""
	}
	const quiet = 4 // the blank margin readers need, in modules
	size := code.Size + 2*quiet
	var path strings.Builder
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			run := 1 // draw each horizontal run of dark modules as one rectangle
			for x+run < code.Size && code.Black(x+run, y) {
				run++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", x+quiet, y+quiet, run, run)
			x += run
		}
	}
	// Only numbers from our own encoder go into the markup.
	return template.HTML(fmt.Sprintf(`<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" `+
		`role="img" aria-label="QR code of your referral link" shape-rendering="crispEdges">`+
		`<rect width="100%%" height="100%%" fill="#fff"/><path fill="#111827" d="%s"/></svg>`, size, size, path.String()))
}
