package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/referralhub/referralhub"
	"github.com/referralhub/referralhub/internal/core"
)

// Bounds on a branding post: the logo at its limit plus the texts, and no
// more parts than the form has fields, give or take.
const (
	maxBrandingBody  = core.MaxLogoBytes + 2*maxFormBytes
	maxBrandingField = 8 << 10
	maxBrandingParts = 32
)

// msgLogoTooLarge is the refusal of a logo too large to read at all.
const msgLogoTooLarge = "The logo is larger than 256 KiB; please upload a smaller file."

// brandingForm is the branding form as typed, so that a refused form comes
// back as it was sent. Errors are keyed by field name.
type brandingForm struct {
	ProductName, Color, Headline, LandingText string
	Share                                     []core.ShareMessage
	RemoveLogo                                bool
	logo                                      []byte // the uploaded file; nil when none was chosen
	logoTooLarge                              bool   // the upload was cut off at the limit
	Errors                                    map[string]string
	Message                                   string
}

// brandingFormFrom fills the form with saved branding.
func brandingFormFrom(b referralhub.Branding) brandingForm {
	return brandingForm{ProductName: b.ProductName, Color: b.Color, Headline: b.Headline, LandingText: b.LandingText,
		Share: core.ShareChannels(b.Share)}
}

// change is the core's view of the form.
func (f brandingForm) change() core.BrandingChange {
	b := referralhub.Branding{ProductName: f.ProductName, Color: f.Color, Headline: f.Headline, LandingText: f.LandingText}
	for _, m := range f.Share {
		*shareField(&b.Share, m.Channel) = m.Message
	}
	return core.BrandingChange{Branding: b, Logo: f.logo, RemoveLogo: f.RemoveLogo}
}

// shareField points at one channel's message.
func shareField(m *referralhub.ShareMessages, channel string) *string {
	switch channel {
	case "x":
		return &m.X
	case "facebook":
		return &m.Facebook
	case "linkedin":
		return &m.LinkedIn
	case "whatsapp":
		return &m.WhatsApp
	}
	return &m.Email
}

// brandingFormOf reads posted values over the current branding: a field
// missing from the post (cut off after a logo over the limit) keeps its
// saved value rather than being refused as blank.
func brandingFormOf(v url.Values, cur referralhub.Branding) brandingForm {
	get := func(name, saved string) string {
		if vs, ok := v[name]; ok {
			return vs[0]
		}
		return saved
	}
	f := brandingForm{ProductName: get("product_name", cur.ProductName), Color: get("color", cur.Color),
		Headline: get("headline", cur.Headline), LandingText: get("landing_text", cur.LandingText),
		RemoveLogo: v.Get("remove_logo") != ""}
	for _, m := range core.ShareChannels(cur.Share) {
		m.Message = get("share_"+m.Channel, m.Message)
		f.Share = append(f.Share, m)
	}
	return f
}

// readBrandingForm reads a branding post, multipart with a logo or plain
// without one. A logo over the limit is not read to its end: the form
// comes back with the message beside the logo field. ok is false when the
// post could not be read at all; the error page was sent.
func (s *Server) readBrandingForm(w http.ResponseWriter, r *http.Request, cur referralhub.Branding) (f brandingForm, ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBrandingBody)
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		if !s.parseForm(w, r) { // bounds the body to a plain form's size
			return f, false
		}
		return brandingFormOf(r.PostForm, cur), true
	}
	var values url.Values
	var logo []byte
	if err == nil {
		values, logo, err = readBrandingParts(mr)
	}
	tooLarge := len(logo) > core.MaxLogoBytes
	if err != nil && !tooLarge {
		s.renderError(w, r, &referralhub.Error{Code: referralhub.EINVALID, Message: "The form could not be read. Please try again."})
		return f, false
	}
	f = brandingFormOf(values, cur)
	f.logo, f.logoTooLarge = logo, tooLarge
	return f, true
}

// readBrandingParts reads a multipart body's fields, each bounded, and the
// logo file up to one byte over its limit.
func readBrandingParts(mr *multipart.Reader) (url.Values, []byte, error) {
	values := url.Values{}
	var logo []byte
	for range maxBrandingParts {
		part, err := mr.NextPart()
		if err == io.EOF {
			return values, logo, nil
		}
		if err != nil {
			return values, logo, err
		}
		limit := int64(maxBrandingField)
		if part.FormName() == "logo" {
			limit = core.MaxLogoBytes + 1
		}
		data, err := io.ReadAll(io.LimitReader(part, limit))
		if err != nil {
			return values, logo, err
		}
		if part.FormName() != "logo" {
			values.Add(part.FormName(), string(data))
		} else if part.FileName() != "" || len(data) > 0 { // no file chosen: an empty part
			logo = data
		}
	}
	return values, logo, errors.New("too many parts")
}
