package requests

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"sync"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/photolab/privacyportal/internal/fault"
)

// An uploaded document is checked by what it is, never by its name or the
// type the browser declared: its magic bytes say JPEG, PNG or PDF or it is
// refused. Images are measured before they are decoded (a few bytes of
// header can announce a picture that would fill the memory), then decoded
// and encoded again, so nothing but pixels survives: no EXIF, no GPS
// position, no comment, no bytes after the image (a JPEG that is also an
// HTML page comes out a plain JPEG). A PDF is read with pdfcpu and refused
// when it is encrypted, carries JavaScript or actions that run on opening,
// embeds files, or cannot be read with certainty; the accepted one is
// written out again by pdfcpu without its metadata, incremental updates
// or trailing bytes.
const (
	// MaxDocumentBytes is the largest document accepted (10 MB).
	MaxDocumentBytes = 10 << 20
	// maxImageSide and maxImagePixels bound an image's announced size.
	maxImageSide   = 12000
	maxImagePixels = 40_000_000
	jpegQuality    = 90
)

// The document field's message ids, for the upload form.
const (
	DocumentField      = "document"
	msgDocumentMissing = "request.document.error.missing"
	msgDocumentType    = "request.document.error.type"
	msgDocumentImage   = "request.document.error.image"
	msgDocumentPixels  = "request.document.error.dimensions"
	msgDocumentPDF     = "request.document.error.pdf"
	msgDocumentActive  = "request.document.error.pdf_active"
	msgDocumentLocked  = "request.document.error.pdf_encrypted"
	msgDocumentNotNow  = "request.document.error.not_wanted"
)

// Content types a cleaned document is stored as.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypePDF  = "application/pdf"
)

// ErrDocumentTooLarge is a body over MaxDocumentBytes.
var ErrDocumentTooLarge = fault.New(fault.TooLarge, "requests: document over 10 MB")

func refuse(msg, messageID string) error {
	return fault.InvalidFields("requests: document refused: "+msg, map[string]string{DocumentField: messageID})
}

// readDocument reads at most MaxDocumentBytes of body.
func readDocument(body io.Reader) ([]byte, error) {
	if body == nil {
		return nil, refuse("no file", msgDocumentMissing)
	}
	data, err := io.ReadAll(io.LimitReader(body, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("requests: read document: %w", err)
	}
	if len(data) > MaxDocumentBytes {
		return nil, ErrDocumentTooLarge
	}
	if len(data) == 0 {
		return nil, refuse("empty", msgDocumentMissing)
	}
	return data, nil
}

// cleanDocument checks data by content and returns the bytes to store and
// their content type.
func cleanDocument(ctx context.Context, data []byte) ([]byte, string, error) {
	mt := mimetype.Detect(data)
	switch {
	case mt.Is(TypeJPEG):
		return cleanImage(data, TypeJPEG)
	case mt.Is(TypePNG):
		return cleanImage(data, TypePNG)
	case mt.Is(TypePDF):
		out, err := cleanPDF(ctx, data)
		return out, TypePDF, err
	}
	return nil, "", refuse("type "+mt.String(), msgDocumentType)
}

// cleanImage measures, decodes and re-encodes an image of the detected
// type with that type's decoder only (no format sniffing past mimetype).
func cleanImage(data []byte, typ string) ([]byte, string, error) {
	decodeConfig, decode := jpeg.DecodeConfig, jpeg.Decode
	if typ == TypePNG {
		decodeConfig, decode = png.DecodeConfig, png.Decode
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", refuse("image header", msgDocumentImage)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxImageSide || cfg.Height > maxImageSide ||
		int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return nil, "", refuse(fmt.Sprintf("image %dx%d", cfg.Width, cfg.Height), msgDocumentPixels)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", refuse("image data", msgDocumentImage)
	}
	if typ == TypeJPEG {
		img = orient(img, jpegOrientation(data))
	}
	return encodeImage(img, typ)
}

func encodeImage(img image.Image, typ string) ([]byte, string, error) {
	var buf bytes.Buffer
	var err error
	if typ == TypePNG {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return nil, "", fmt.Errorf("requests: encode image: %w", err)
	}
	return buf.Bytes(), typ, nil
}

var pdfSetup sync.Once

// pdfConf is pdfcpu's configuration without its config directory (it
// would otherwise write one under the user's home).
func pdfConf() *model.Configuration {
	pdfSetup.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	return conf
}

// activeKeys are dictionary keys that make a PDF do something: scripts,
// actions on opening or on events, embedded files, forms that submit.
var activeKeys = map[string]bool{
	"JS": true, "JavaScript": true, "AA": true, "OpenAction": true, "EmbeddedFiles": true, "EmbeddedFile": true,
	"EF": true, "XFA": true, "RichMediaContent": true, "RichMediaSettings": true,
}

// activeNames are name values of the same sort (action and annotation
// types).
var activeNames = map[string]bool{
	"JavaScript": true, "Launch": true, "EmbeddedFile": true, "FileAttachment": true, "RichMedia": true,
	"SubmitForm": true, "ImportData": true, "GoToE": true, "GoToR": true, "Sound": true, "Movie": true,
	"Rendition": true, "URI": true, "Hide": true, "SetOCGState": true, "Trans": true, "GoTo3DView": true,
}

// cleanPDF refuses a PDF it cannot vouch for and writes the rest again.
func cleanPDF(c context.Context, data []byte) (out []byte, err error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		// mimetype also accepts a header after a BOM; the portal does not.
		return nil, refuse("pdf header", msgDocumentPDF)
	}
	defer func() {
		// pdfcpu is a large parser of hostile input: a panic in it is a
		// refusal, not a crash.
		if p := recover(); p != nil {
			out, err = nil, refuse("pdf reader panicked", msgDocumentPDF)
		}
	}()
	// A cheap look first: an encryption dictionary refuses the file before
	// pdfcpu tries the empty password on it.
	if bytes.Contains(data, []byte("/Encrypt")) {
		return nil, refuse("pdf encrypted", msgDocumentLocked)
	}
	ctx, err := api.ReadContext(bytes.NewReader(data), pdfConf())
	if err != nil || ctx == nil || ctx.XRefTable == nil {
		return nil, refuse("pdf unreadable", msgDocumentPDF)
	}
	if ctx.XRefTable.Encrypt != nil || ctx.Encrypt != nil {
		return nil, refuse("pdf encrypted", msgDocumentLocked)
	}
	if err := api.ValidateContext(ctx); err != nil {
		return nil, refuse("pdf invalid", msgDocumentPDF)
	}
	for nr, entry := range ctx.XRefTable.Table {
		if entry == nil || entry.Free || entry.Object == nil {
			continue
		}
		o := entry.Object
		if l, ok := o.(types.LazyObjectStreamObject); ok {
			if o, err = l.DecodedObject(c); err != nil {
				return nil, refuse(fmt.Sprintf("pdf object %d", nr), msgDocumentPDF)
			}
		}
		if why := activePDF(o, 0); why != "" {
			return nil, refuse("pdf "+why, msgDocumentActive)
		}
	}
	// Who made it, when and with what is no business of the portal's.
	ctx.XRefTable.Info = nil
	if cat, err := ctx.XRefTable.Catalog(); err == nil {
		cat.Delete("Metadata")
	}
	var buf bytes.Buffer
	if err := api.WriteContext(ctx, &buf); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		return nil, refuse("pdf rewrite", msgDocumentPDF)
	}
	if buf.Len() > MaxDocumentBytes {
		return nil, ErrDocumentTooLarge
	}
	return buf.Bytes(), nil
}

// activePDF names the first active part found in o, or "".
func activePDF(o types.Object, depth int) string {
	if depth > 64 {
		return "nesting"
	}
	switch v := o.(type) {
	case types.Dict:
		return activeDict(v, depth)
	case types.StreamDict:
		return activeDict(v.Dict, depth)
	case *types.StreamDict:
		return activeDict(v.Dict, depth)
	case types.ObjectStreamDict:
		return activeDict(v.Dict, depth)
	case *types.ObjectStreamDict:
		return activeDict(v.Dict, depth)
	case types.XRefStreamDict:
		return activeDict(v.Dict, depth)
	case *types.XRefStreamDict:
		return activeDict(v.Dict, depth)
	case types.Array:
		for _, e := range v {
			if why := activePDF(e, depth+1); why != "" {
				return why
			}
		}
	case types.Name:
		if n := pdfName(string(v)); activeNames[n] {
			return "/" + n
		}
	}
	return ""
}

func activeDict(d types.Dict, depth int) string {
	for k, v := range d {
		if n := pdfName(k); activeKeys[n] {
			return "/" + n
		}
		if why := activePDF(v, depth+1); why != "" {
			return why
		}
	}
	return ""
}

// pdfName undoes a name's #xx escapes (/J#61vaScript is /JavaScript).
func pdfName(s string) string {
	if !strings.Contains(s, "#") {
		return s
	}
	if d, err := types.DecodeName(s); err == nil {
		return d
	}
	return s
}
