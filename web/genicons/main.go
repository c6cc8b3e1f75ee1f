// Command genicons draws the app's icons (web/static/icons) with Go's image
// package, so the PNGs in the tree can be regenerated and reviewed as code:
//
//	go run ./web/genicons -out web/static/icons
//
// The mark is an open notebook page: a white rounded sheet with three text
// lines and a teal dot (a shared note), on the brand teal.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

var (
	teal  = color.RGBA{0x0f, 0x5e, 0x5a, 0xff}
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink   = color.RGBA{0x9c, 0xc9, 0xc4, 0xff}
	dot   = color.RGBA{0xf2, 0xa5, 0x41, 0xff}
)

// icon describes one output: its size, and whether the mark must sit in
// the maskable safe zone (the inner 80%) on a full-bleed background.
type icon struct {
	name     string
	size     int
	maskable bool
}

func main() {
	out := flag.String("out", "web/static/icons", "output `directory`")
	flag.Parse()
	icons := []icon{
		{"icon-192.png", 192, false},
		{"icon-512.png", 512, false},
		{"maskable-512.png", 512, true},
		{"apple-touch-icon.png", 180, true},
	}
	for _, ic := range icons {
		if err := write(filepath.Join(*out, ic.name), draw(ic)); err != nil {
			log.Fatal(err)
		}
	}
}

func write(name string, img image.Image) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("create %s: %w", name, err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", name, err)
	}
	return f.Close()
}

func draw(ic icon) *image.RGBA {
	s := float64(ic.size)
	img := image.NewRGBA(image.Rect(0, 0, ic.size, ic.size))
	if ic.maskable {
		fillRound(img, 0, 0, s, s, 0, teal)
	} else {
		fillRound(img, 0, 0, s, s, s*0.22, teal)
	}
	// The sheet, inside the safe zone for maskable icons.
	m := s * 0.22
	if ic.maskable {
		m = s * 0.28
	}
	x0, y0, x1, y1 := m, m*0.9, s-m, s-m*0.9
	w := x1 - x0
	fillRound(img, x0, y0, x1, y1, w*0.08, white)
	lh := w * 0.07
	for i, frac := range []float64{0.78, 0.62, 0.70} {
		y := y0 + (y1-y0)*(0.28+0.2*float64(i))
		fillRound(img, x0+w*0.14, y, x0+w*(0.14+frac*0.72), y+lh, lh/2, ink)
	}
	r := w * 0.13
	cx, cy := x1-w*0.02, y0+w*0.02
	fillRound(img, cx-r, cy-r, cx+r, cy+r, r, dot)
	return img
}

// fillRound paints a rounded rectangle, antialiased by 4×4 supersampling.
func fillRound(img *image.RGBA, x0, y0, x1, y1, r float64, c color.RGBA) {
	b := img.Bounds()
	for py := max(b.Min.Y, int(y0)-1); py < min(b.Max.Y, int(y1)+1); py++ {
		for px := max(b.Min.X, int(x0)-1); px < min(b.Max.X, int(x1)+1); px++ {
			n := 0
			for sy := 0; sy < 4; sy++ {
				for sx := 0; sx < 4; sx++ {
					if inside(float64(px)+(float64(sx)+0.5)/4, float64(py)+(float64(sy)+0.5)/4, x0, y0, x1, y1, r) {
						n++
					}
				}
			}
			if n > 0 {
				blend(img, px, py, c, float64(n)/16)
			}
		}
	}
}

func inside(x, y, x0, y0, x1, y1, r float64) bool {
	if x < x0 || x > x1 || y < y0 || y > y1 {
		return false
	}
	cx := min(max(x, x0+r), x1-r)
	cy := min(max(y, y0+r), y1-r)
	dx, dy := x-cx, y-cy
	return dx*dx+dy*dy <= r*r
}

func blend(img *image.RGBA, x, y int, c color.RGBA, a float64) {
	o := img.RGBAAt(x, y)
	mix := func(f, b uint8) uint8 { return uint8(float64(f)*a + float64(b)*(1-a) + 0.5) }
	img.SetRGBA(x, y, color.RGBA{mix(c.R, o.R), mix(c.G, o.G), mix(c.B, o.B), mix(c.A, o.A)})
}
