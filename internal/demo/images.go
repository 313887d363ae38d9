package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/photolab/privacyportal/internal/vault"
)

// Photo and thumbnail sizes of the demo pictures.
const (
	photoW, photoH = 640, 480
	thumbW, thumbH = 160, 120
)

// picture describes one generated demo photo: a sky-like gradient with a
// sun or a frame, so each photo is recognisably different in the gallery.
type picture struct {
	top, bottom color.RGBA
	cx, cy, r   int
	sun         bool
	accent      color.RGBA
}

func randomPicture(r *rand.Rand) picture {
	c := func(lo, hi int) uint8 { return uint8(lo + r.IntN(hi-lo)) }
	return picture{
		top:    color.RGBA{c(20, 120), c(60, 160), c(120, 255), 255},
		bottom: color.RGBA{c(150, 255), c(90, 200), c(40, 160), 255},
		cx:     80 + r.IntN(photoW-160),
		cy:     60 + r.IntN(photoH-120),
		r:      30 + r.IntN(70),
		sun:    r.IntN(3) > 0,
		accent: color.RGBA{c(200, 255), c(150, 255), c(0, 120), 255},
	}
}

func (p picture) render() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	for y := range photoH {
		t := float64(y) / float64(photoH-1)
		mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }
		row := color.RGBA{mix(p.top.R, p.bottom.R), mix(p.top.G, p.bottom.G), mix(p.top.B, p.bottom.B), 255}
		for x := range photoW {
			c := row
			dx, dy := x-p.cx, y-p.cy
			if p.sun && dx*dx+dy*dy <= p.r*p.r {
				c = p.accent
			} else if !p.sun && abs(dx) <= p.r*3/2 && abs(dy) <= p.r && (abs(dx) >= p.r*3/2-6 || abs(dy) >= p.r-6) {
				c = p.accent
			}
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
		}
	}
	return img
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// thumbnail shrinks by averaging each 4×4 block.
func thumbnail(src *image.RGBA) *image.RGBA {
	const f = photoW / thumbW
	dst := image.NewRGBA(image.Rect(0, 0, thumbW, thumbH))
	for y := range thumbH {
		for x := range thumbW {
			var sum [3]int
			for yy := range f {
				for xx := range f {
					i := src.PixOffset(x*f+xx, y*f+yy)
					sum[0] += int(src.Pix[i])
					sum[1] += int(src.Pix[i+1])
					sum[2] += int(src.Pix[i+2])
				}
			}
			j := dst.PixOffset(x, y)
			dst.Pix[j], dst.Pix[j+1], dst.Pix[j+2], dst.Pix[j+3] =
				uint8(sum[0]/(f*f)), uint8(sum[1]/(f*f)), uint8(sum[2]/(f*f)), 255
		}
	}
	return dst
}

var fastPNG = png.Encoder{CompressionLevel: png.BestSpeed}

// storedPicture is where a picture went in the vault.
type storedPicture struct {
	fileKey, thumbKey string
	size              int64
}

// storePictures renders and stores the pictures in parallel: encoding,
// encrypting and syncing a hundred files one by one would dominate the
// demo's start. More workers than cores, as much of the time is spent
// waiting for the disk.
func storePictures(v *vault.Vault, pics []picture) ([]storedPicture, error) {
	out := make([]storedPicture, len(pics))
	errs := make([]error, len(pics))
	work := make(chan int)
	var wg sync.WaitGroup
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range work {
				out[i], errs[i] = storePicture(v, pics[i])
			}
		})
	}
	for i := range pics {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// encodedPicture is a picture's PNG and thumbnail, before encryption.
type encodedPicture struct{ full, thumb []byte }

// encoded keeps each picture's PNGs for the life of the process. The
// pictures come from a fixed seed, so every demo seeded by one process
// (the test suites seed one per test) draws the same ones, and encoding
// them was most of a seed's time; each is still encrypted afresh.
var encoded sync.Map // picture → encodedPicture

func encode(p picture) (encodedPicture, error) {
	if e, ok := encoded.Load(p); ok {
		return e.(encodedPicture), nil
	}
	img := p.render()
	var full, thumb bytes.Buffer
	if err := fastPNG.Encode(&full, img); err != nil {
		return encodedPicture{}, fmt.Errorf("demo: png: %w", err)
	}
	if err := fastPNG.Encode(&thumb, thumbnail(img)); err != nil {
		return encodedPicture{}, fmt.Errorf("demo: png: %w", err)
	}
	e := encodedPicture{full: full.Bytes(), thumb: thumb.Bytes()}
	encoded.Store(p, e)
	return e, nil
}

func storePicture(v *vault.Vault, p picture) (storedPicture, error) {
	e, err := encode(p)
	if err != nil {
		return storedPicture{}, err
	}
	fk, err := v.Put(e.full)
	if err != nil {
		return storedPicture{}, fmt.Errorf("demo: %w", err)
	}
	tk, err := v.Put(e.thumb)
	if err != nil {
		return storedPicture{}, fmt.Errorf("demo: %w", err)
	}
	return storedPicture{fileKey: fk, thumbKey: tk, size: int64(len(e.full))}, nil
}
