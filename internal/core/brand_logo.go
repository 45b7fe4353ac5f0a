package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/referralhub/referralhub"
)

// Limits on an uploaded logo.
const (
	MaxLogoBytes = 256 << 10 // 256 KiB
	MaxLogoSide  = 2048      // pixels, for width and height each
)

// logoFormat decodes one accepted image type. Formats are picked by name
// rather than registered with the image package, so nothing else is ever
// accepted.
type logoFormat struct {
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// logoFormatOf returns the content type and decoders of an accepted image,
// known by the bytes it starts with: the signatures by which WHATWG
// sniffing (net/http's DetectContentType) names these three types. No
// rule it tries first matches them, so the two agree
// (FuzzLogoFormatOfAgreesWithSniffing).
func logoFormatOf(data []byte) (string, logoFormat, bool) {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", logoFormat{png.DecodeConfig, png.Decode}, true
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg", logoFormat{jpeg.DecodeConfig, jpeg.Decode}, true
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "image/gif", logoFormat{gif.DecodeConfig, gif.Decode}, true
	}
	return "", logoFormat{}, false
}

// CheckLogo inspects an uploaded logo and describes it, or says what is
// wrong with it. Only PNG, JPEG and GIF are accepted, known from the bytes
// themselves, never from a file name or a declared type: an SVG or HTML
// file is refused however it is named. The whole image is decoded, so a
// truncated or disguised file is refused too.
func CheckLogo(data []byte) (referralhub.Logo, string) {
	if len(data) == 0 {
		return referralhub.Logo{}, "The logo file is empty."
	}
	if len(data) > MaxLogoBytes {
		return referralhub.Logo{}, fmt.Sprintf("The logo is %s; it may be at most 256 KiB.", kib(len(data)))
	}
	ct, f, ok := logoFormatOf(data)
	if !ok {
		return referralhub.Logo{}, "The logo must be a PNG, JPEG or GIF image."
	}
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return referralhub.Logo{}, "The logo could not be read as an image; it may be damaged."
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide {
		return referralhub.Logo{}, fmt.Sprintf("The logo is %d × %d pixels; it may be at most %d × %d.",
			cfg.Width, cfg.Height, MaxLogoSide, MaxLogoSide)
	}
	if _, err := f.decode(bytes.NewReader(data)); err != nil {
		return referralhub.Logo{}, "The logo could not be read as an image; it may be damaged."
	}
	sum := sha256.Sum256(data)
	return referralhub.Logo{ContentType: ct, Width: cfg.Width, Height: cfg.Height, Hash: hex.EncodeToString(sum[:])}, ""
}

// kib writes a size for people, rounded up: "300 KiB".
func kib(n int) string {
	return fmt.Sprintf("%d KiB", (n+1023)/1024)
}
