package requests

import (
	"bytes"
	"context"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/photolab/privacyportal/internal/fault"
)

func fieldMsg(err error) string { return fault.FieldsOf(err)[DocumentField] }

func TestCleanDocument(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		data     []byte
		wantType string // "" : refused
		wantMsg  string
	}{
		{"jpeg", fixtureJPEG(t), TypeJPEG, ""},
		{"png", fixturePNG(t), TypePNG, ""},
		{"jpeg with exif gps", jpegWithExif(t), TypeJPEG, ""},
		{"jpeg and html polyglot", polyglotJPEG(t), TypeJPEG, ""},
		{"clean pdf", cleanPDFFixture(), TypePDF, ""},
		{"pdf with javascript", jsPDF(), "", msgDocumentActive},
		{"pdf with escaped javascript", hiddenJSPDF(), "", msgDocumentActive},
		{"pdf with embedded file", embeddedPDF(), "", msgDocumentActive},
		{"encrypted pdf", encryptedPDF(), "", msgDocumentLocked},
		{"huge png header", hugePNGHeader(), "", msgDocumentPixels},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "", msgDocumentType},
		{"text", []byte("just some text, named id.png"), "", msgDocumentType},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "", msgDocumentType},
		{"truncated jpeg", fixtureJPEG(t)[:40], "", msgDocumentImage},
		{"pdf with junk before header", append([]byte("<html>"), cleanPDFFixture()...), "", msgDocumentPDF},
		{"broken pdf", []byte("%PDF-1.4\nnot really\n%%EOF\n"), "", msgDocumentPDF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			out, typ, err := cleanDocument(context.Background(), c.data)
			if c.wantType == "" {
				if err == nil || !fault.Is(err, fault.Invalid) || fieldMsg(err) != c.wantMsg {
					t.Fatalf("got %q, %v; want refused with %s", typ, err, c.wantMsg)
				}
				return
			}
			if err != nil || typ != c.wantType {
				t.Fatalf("got %q, %v; want %s", typ, err, c.wantType)
			}
			switch typ {
			case TypeJPEG:
				if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
					t.Fatalf("cleaned JPEG does not decode: %v", err)
				}
			case TypePNG:
				if _, err := png.Decode(bytes.NewReader(out)); err != nil {
					t.Fatalf("cleaned PNG does not decode: %v", err)
				}
			}
			for _, bad := range []string{"Exif", gpsMarker, "<html", "<script", "Jane Example", "Scanner 3000"} {
				if bytes.Contains(out, []byte(bad)) {
					t.Errorf("cleaned %s still holds %q", c.name, bad)
				}
			}
			if typ == TypeJPEG && !bytes.HasSuffix(out, []byte{0xFF, 0xD9}) {
				t.Errorf("cleaned JPEG has bytes after its end marker")
			}
		})
	}
}

func TestReadDocumentLimit(t *testing.T) {
	t.Parallel()
	if _, err := readDocument(bytes.NewReader(make([]byte, 11<<20))); !fault.Is(err, fault.TooLarge) {
		t.Fatalf("11 MB: %v, want too large", err)
	}
	if _, err := readDocument(bytes.NewReader(make([]byte, MaxDocumentBytes))); err != nil {
		t.Fatalf("exactly 10 MB: %v", err)
	}
	if _, err := readDocument(strings.NewReader("")); fieldMsg(err) != msgDocumentMissing {
		t.Fatalf("empty: %v", err)
	}
}

// The EXIF orientation is applied before the EXIF goes: the red quarter
// ends up where a viewer honouring the tag would have shown it.
func TestCleanImageKeepsOrientation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		o          uint16
		w, h       int
		redX, redY int // a point inside the red quarter after turning
	}{
		{1, 64, 48, 4, 4},
		{3, 64, 48, 60, 44},
		{6, 48, 64, 44, 4},
		{8, 48, 64, 4, 60},
	}
	for _, c := range cases {
		out, _, err := cleanDocument(context.Background(), jpegWithOrientation(t, c.o))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("orientation %d: %dx%d, want %dx%d", c.o, b.Dx(), b.Dy(), c.w, c.h)
			continue
		}
		r, _, bl, _ := img.At(c.redX, c.redY).RGBA()
		if r < 0xC000 || bl > 0x4000 {
			t.Errorf("orientation %d: (%d,%d) is not red", c.o, c.redX, c.redY)
		}
	}
}
