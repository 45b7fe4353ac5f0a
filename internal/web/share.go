package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/referralhub/referralhub"
	"rsc.io/qr"
)

// shareLink is one "share on ..." button.
type shareLink struct {
	Name    string
	Channel string // "x", "facebook", ...: what the embedded page reports a share on
	Href    string
	Icon    template.HTML // an inline SVG, hidden from screen readers: the name says it
}

// withChannel is link marked with the share channel it goes out through
// (?s=), which its click records.
func withChannel(link, channel string) string { return link + "?s=" + channel }

// shareLinks returns the share buttons for a participant's link, each
// pre-filled with the branding's message for its channel: {link} becomes
// the link and {name} the participant's username, and a message without
// {link} gets the link at its end. Facebook takes the link itself and
// shows its preview; the message goes along as a quote, which Facebook may
// ignore.
func shareLinks(link, name string, b referralhub.Branding) []shareLink {
	fill := func(msg, channel string) string {
		return strings.NewReplacer("{link}", withChannel(link, channel), "{name}", name).Replace(msg)
	}
	withLink := func(msg, channel string) string {
		if !strings.Contains(msg, "{link}") {
			msg += " {link}"
		}
		return fill(msg, channel)
	}
	q, m := escapeText, b.Share
	return []shareLink{
		{"X", "x", "https://x.com/intent/tweet?text=" + q(withLink(m.X, "x")), iconX},
		{"Facebook", "facebook", "https://www.facebook.com/sharer/sharer.php?u=" + q(withChannel(link, "fb")) + "&quote=" + q(fill(m.Facebook, "fb")), iconFacebook},
		{"LinkedIn", "linkedin", "https://www.linkedin.com/feed/?shareActive=true&text=" + q(withLink(m.LinkedIn, "li")), iconLinkedIn},
		{"WhatsApp", "whatsapp", "https://wa.me/?text=" + q(withLink(m.WhatsApp, "wa")), iconWhatsApp},
		{"Email", "email", "mailto:?subject=" + q("An invitation to "+b.ProductName) + "&body=" + q(withLink(m.Email, "em")), iconEmail},
	}
}

// shareTitle is the title the phone's share sheet gets with the link.
func shareTitle(b referralhub.Branding) string { return "An invitation to " + b.ProductName }

// escapeText escapes text for a query parameter: percent-encoded UTF-8,
// with "&", "=" and "#" escaped so the text cannot end its field, and
// spaces as %20, which every target reads as a space (in a mailto: link,
// RFC 6068, a "+" is a literal plus).
func escapeText(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
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
