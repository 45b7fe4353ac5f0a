package web

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The link preview image's size: what Open Graph and Twitter's large
// summary card show best.
const (
	previewWidth  = 1200
	previewHeight = 630
	previewMargin = 80
)

// previewFonts are the Go fonts the preview image is drawn with, parsed
// once; faces are made per image, because a face is not safe for
// concurrent use.
type previewFonts struct {
	regular, bold *opentype.Font
}

func loadPreviewFonts() (*previewFonts, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("parse Go Bold: %w", err)
	}
	return &previewFonts{regular: regular, bold: bold}, nil
}

// previewCard is what the preview image says, in the brand's colours.
type previewCard struct {
	Product, Title, Offer string
	Background, Text      string // "#rrggbb"
}

// draw renders the card as a previewWidth × previewHeight PNG: the product
// name, the invitation in large type and the offer, each shrunk to fit
// the width (and cut with "…" past the smallest size).
func (f *previewFonts) draw(c previewCard) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, previewWidth, previewHeight))
	bg, fg := hexRGBA(c.Background), hexRGBA(c.Text)
	draw.Draw(img, img.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	band := image.Rect(0, previewHeight-24, previewWidth, previewHeight)
	draw.Draw(img, band, image.NewUniform(withAlpha(fg, 0x55)), image.Point{}, draw.Over)
	lines := []struct {
		font     *opentype.Font
		text     string
		size, y  float64
		minSize  float64
		alphaOut uint8
	}{
		{f.bold, c.Product, 44, 140, 28, 0xcc},
		{f.bold, c.Title, 84, 330, 48, 0xff},
		{f.regular, c.Offer, 46, 440, 30, 0xee},
	}
	for _, l := range lines {
		if err := f.text(img, l.font, l.text, l.size, l.minSize, l.y, withAlpha(fg, l.alphaOut)); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// text draws one line at baseline y from the left margin, at the largest
// size from size down to minSize that fits, else cut to fit at minSize.
func (f *previewFonts) text(img draw.Image, fnt *opentype.Font, s string, size, minSize, y float64, col color.Color) error {
	maxWidth := fixed.I(previewWidth - 2*previewMargin)
	for ; ; size -= 4 {
		face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return err
		}
		d := &font.Drawer{Dst: img, Src: image.NewUniform(col), Face: face}
		if font.MeasureString(face, s) > maxWidth && size-4 >= minSize {
			face.Close()
			continue
		}
		s = cutToWidth(face, s, maxWidth)
		d.Dot = fixed.P(previewMargin, int(y))
		d.DrawString(s)
		return face.Close()
	}
}

// cutToWidth shortens s, adding "…", until it fits width in face.
func cutToWidth(face font.Face, s string, width fixed.Int26_6) string {
	if font.MeasureString(face, s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && font.MeasureString(face, string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// hexRGBA reads "#rrggbb"; anything else is black.
func hexRGBA(s string) color.RGBA {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if err != nil || len(s) != 7 {
		return color.RGBA{A: 0xff}
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// withAlpha is c at opacity a, premultiplied as color.RGBA must be.
func withAlpha(c color.RGBA, a uint8) color.RGBA {
	m := func(v uint8) uint8 { return uint8(uint16(v) * uint16(a) / 0xff) }
	return color.RGBA{R: m(c.R), G: m(c.G), B: m(c.B), A: a}
}
