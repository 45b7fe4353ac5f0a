package mail

// The branding mail shows when it is given none: the site's defaults.
const (
	DefaultSiteName   = "ReferralHub"
	DefaultBrandColor = "#4f46e5"
	DefaultBrandText  = "#ffffff"
)

// withBrandDefaults fills blank branding with the defaults. A colour that
// is not "#rrggbb" is replaced too: it is written into style attributes.
func (d Data) withBrandDefaults() Data {
	if d.SiteName == "" {
		d.SiteName = DefaultSiteName
	}
	if !isHexColor(d.BrandColor) || !isHexColor(d.BrandText) {
		d.BrandColor, d.BrandText = DefaultBrandColor, DefaultBrandText
	}
	return d
}

// isHexColor reports whether s is "#" and six hexadecimal digits.
func isHexColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range []byte(s[1:]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
