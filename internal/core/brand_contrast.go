package core

import "math"

// The backgrounds that brand-coloured text stands on in each scheme
// (app.css): the light scheme's page grey (its cards are white, lighter
// still) and the dark scheme's field grey (its cards and page are darker
// still). Text in the brand colour must reach MinTextContrast on both.
const (
	LightSchemeBackground = "#f6f7fb"
	DarkSchemeBackground  = "#1f2937"
	darkSchemeCard        = "#111827"
	// MinTextContrast is WCAG 2's AA level for normal text.
	MinTextContrast = 4.5
)

// Schemes is the brand colour adjusted for the light and the dark scheme,
// each value "#rrggbb" and each pair of text and background at least
// MinTextContrast apart.
type Schemes struct {
	TextOnLight, TextOnDark string // the brand colour as text: links, headings
	TintLight, OnTintLight  string // a brand-tinted background and the text on it, light
	TintDark, OnTintDark    string // the same in the dark scheme
}

// SchemesOf adjusts a brand colour (an invalid one gets the default's) for
// both schemes: as text it is darkened on light backgrounds and lightened
// on dark ones only as far as contrast needs, so it stays recognisable.
func SchemesOf(color string) Schemes {
	p := PaletteOf(color)
	brand, _ := parseColor(p.Brand)
	card, _ := parseColor(darkSchemeCard)
	tintDark := hexColor(mix(card, brand, 0.3))
	return Schemes{
		TextOnLight: AdjustForContrast(p.Brand, LightSchemeBackground, MinTextContrast),
		TextOnDark:  AdjustForContrast(p.Brand, DarkSchemeBackground, MinTextContrast),
		TintLight:   p.Soft,
		OnTintLight: AdjustForContrast(p.Dark, p.Soft, MinTextContrast),
		TintDark:    tintDark,
		OnTintDark:  AdjustForContrast("#f9fafb", tintDark, MinTextContrast),
	}
}

// ContrastRatio is WCAG 2's contrast ratio of two "#rrggbb" colours, from
// 1 (the same) to 21 (black on white); 1 when either is invalid.
func ContrastRatio(a, b string) float64 {
	x, okA := parseColor(a)
	y, okB := parseColor(b)
	if !okA || !okB {
		return 1
	}
	return contrast(x, y)
}

// AdjustForContrast returns fg, or fg moved toward black or white
// (whichever bg allows more contrast with) by the least amount that gives
// at least min against bg. Invalid colours come back unchanged.
func AdjustForContrast(fg, bg string, min float64) string {
	f, okF := parseColor(fg)
	b, okB := parseColor(bg)
	if !okF || !okB || contrast(f, b) >= min {
		return fg
	}
	target := [3]float64{0, 0, 0}
	if contrast([3]float64{255, 255, 255}, b) > contrast(target, b) {
		target = [3]float64{255, 255, 255}
	}
	lo, hi := 0.0, 1.0 // the share of target: lo falls short, hi is enough (or all there is)
	for range 20 {
		mid := (lo + hi) / 2
		if contrast(mix(f, target, mid), b) >= min {
			hi = mid
		} else {
			lo = mid
		}
	}
	out := hexColor(mix(f, target, hi))
	for step := 0.01; ContrastRatio(out, bg) < min && hi < 1; hi = math.Min(1, hi+step) {
		out = hexColor(mix(f, target, hi)) // rounding to 8 bits can fall just short
	}
	return out
}

func contrast(a, b [3]float64) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// mix is a with share t of b.
func mix(a, b [3]float64, t float64) [3]float64 {
	var out [3]float64
	for i := range out {
		out[i] = a[i]*(1-t) + b[i]*t
	}
	return out
}
