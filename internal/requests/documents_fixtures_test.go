package requests

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// Fixtures for the document checks, generated here: no binary files in
// the repository.

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	return img
}

func fixtureJPEG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func fixturePNG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage()); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gpsMarker is a string the EXIF fixture carries: it must not survive.
const gpsMarker = "GPS-48.8584N-2.2945E"

// exifSegment is an APP1 Exif segment, written by hand: a big-endian TIFF
// header, IFD0 with one entry (GPSInfo, tag 0x8825) pointing at a GPS IFD
// holding GPSLatitudeRef "N" and GPSLatitude as three rationals, then a
// marker string.
func exifSegment() []byte {
	var tiff bytes.Buffer
	be := binary.BigEndian
	w16 := func(v uint16) { binary.Write(&tiff, be, v) }
	w32 := func(v uint32) { binary.Write(&tiff, be, v) }
	tiff.WriteString("MM")
	w16(42)
	w32(8) // IFD0 at 8
	// IFD0: 1 entry, then next-IFD 0.
	w16(1)
	w16(0x8825)
	w16(4) // LONG
	w32(1)
	w32(26) // GPS IFD at 8+2+12+4 = 26
	w32(0)
	// GPS IFD at 26: 2 entries.
	w16(2)
	w16(0x0001) // GPSLatitudeRef
	w16(2)      // ASCII
	w32(2)
	tiff.Write([]byte{'N', 0, 0, 0})
	w16(0x0002) // GPSLatitude
	w16(5)      // RATIONAL
	w32(3)
	w32(26 + 2 + 24 + 4) // values after this IFD
	w32(0)
	for _, v := range [][2]uint32{{48, 1}, {51, 1}, {3024, 100}} {
		w32(v[0])
		w32(v[1])
	}
	tiff.WriteString(gpsMarker)
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// jpegWithExif inserts the Exif segment right after the SOI marker.
func jpegWithExif(t testing.TB) []byte {
	j := fixtureJPEG(t)
	out := append([]byte{}, j[:2]...)
	out = append(out, exifSegment()...)
	return append(out, j[2:]...)
}

// polyglotJPEG is a JPEG that is also an HTML page: markup in a comment
// segment and after the end of the image.
func polyglotJPEG(t testing.TB) []byte {
	j := fixtureJPEG(t)
	html := []byte("<html><body><script>alert(document.cookie)</script></body></html>")
	com := []byte{0xFF, 0xFE, 0, 0}
	binary.BigEndian.PutUint16(com[2:], uint16(len(html)+2))
	out := append([]byte{}, j[:2]...)
	out = append(out, com...)
	out = append(out, html...)
	out = append(out, j[2:]...)
	return append(out, html...)
}

// hugePNGHeader is a PNG signature and an IHDR announcing 100,000 ×
// 100,000 pixels, with no image data at all: decoding it would fail,
// measuring it refuses it first.
func hugePNGHeader() []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], 100000)
	binary.BigEndian.PutUint32(ihdr[4:], 100000)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	chunk("IHDR", ihdr)
	return b.Bytes()
}

// makePDF writes a PDF of the given objects (numbered from 1, without
// their "n 0 obj" framing) with a correct cross-reference table.
func makePDF(trailerExtra string, objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, trailerExtra, xref)
	return b.Bytes()
}

const (
	pdfPages   = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	pdfPage    = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << >> /Contents 4 0 R >>"
	pdfContent = "<< /Length 0 >>\nstream\n\nendstream"
)

func cleanPDFFixture() []byte {
	return makePDF(" /Info 5 0 R", "<< /Type /Catalog /Pages 2 0 R >>", pdfPages, pdfPage, pdfContent,
		"<< /Author (Jane Example) /Producer (Scanner 3000) >>")
}

func jsPDF() []byte {
	return makePDF("", "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>", pdfPages, pdfPage, pdfContent,
		"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>")
}

// hiddenJSPDF spells /JavaScript with a name escape, in the names tree.
func hiddenJSPDF() []byte {
	return makePDF("", "<< /Type /Catalog /Pages 2 0 R /Names << /J#61vaScript 5 0 R >> >>", pdfPages, pdfPage, pdfContent,
		"<< /Names [(x) 6 0 R] >>", "<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")
}

func embeddedPDF() []byte {
	return makePDF("", "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >> >>", pdfPages, pdfPage, pdfContent,
		"<< /Names [(a.exe) 6 0 R] >>", "<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>",
		"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream")
}

func encryptedPDF() []byte {
	return makePDF(" /Encrypt 5 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]",
		"<< /Type /Catalog /Pages 2 0 R >>", pdfPages, pdfPage, pdfContent,
		"<< /Filter /Standard /V 1 /R 2 /O <"+strings.Repeat("00", 32)+"> /U <"+strings.Repeat("00", 32)+"> /P -4 >>")
}

// jpegWithOrientation is the fixture JPEG (red top-left quarter) with an
// EXIF orientation tag, little-endian this time.
func jpegWithOrientation(t testing.TB, o uint16) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < 32 && y < 24 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	var tiff bytes.Buffer
	le := binary.LittleEndian
	tiff.WriteString("II")
	binary.Write(&tiff, le, uint16(42))
	binary.Write(&tiff, le, uint32(8))
	binary.Write(&tiff, le, uint16(1))
	binary.Write(&tiff, le, uint16(0x0112))
	binary.Write(&tiff, le, uint16(3))
	binary.Write(&tiff, le, uint32(1))
	binary.Write(&tiff, le, o)
	binary.Write(&tiff, le, uint16(0))
	binary.Write(&tiff, le, uint32(0))
	payload := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	j := buf.Bytes()
	out := append([]byte{}, j[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, j[2:]...)
}
