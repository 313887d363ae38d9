package mail

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
	gomail "github.com/wneessen/go-mail"
)

// DKIM is what the portal signs its mails with: RFC 8058 asks that a
// one-click unsubscribe mail carry a DKIM signature covering both
// List-Unsubscribe headers, so they cannot be added or altered on the way.
type DKIM struct {
	Domain   string
	Selector string
	Signer   crypto.Signer
}

// signedHeaders are the headers the signature covers. The two
// List-Unsubscribe headers are listed even on mails without them: a
// header signed as absent cannot be added later without breaking it.
// Those a forger would add a second copy of (a reader may show either)
// are listed twice, which signs "no further copy" (RFC 6376 §8.15).
var signedHeaders = []string{"From", "From", "To", "Subject", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type",
	"List-Unsubscribe", "List-Unsubscribe", "List-Unsubscribe-Post", "List-Unsubscribe-Post", "Auto-Submitted"}

// LoadDKIMKey reads a PEM private key (PKCS#1 or PKCS#8, RSA or Ed25519).
// Its errors never quote the file's contents.
func LoadDKIMKey(path string) (crypto.Signer, error) {
	raw, err := os.ReadFile(path) // #nosec G304 -- the operator's configured path
	if err != nil {
		return nil, fmt.Errorf("mail: DKIM key: %w", err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, errors.New("mail: DKIM key: not a PEM file")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("mail: DKIM key: not a PKCS#1 or PKCS#8 private key")
	}
	switch k := k.(type) {
	case *rsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, errors.New("mail: DKIM key: only RSA and Ed25519 keys sign DKIM")
}

// dkimSign adds a DKIM-Signature header to msg. The message is written
// once to compute the signature; go-mail keeps the multipart boundaries
// and the Date and Message-ID it chose, so the bytes sent afterwards are
// the bytes signed.
func (d *DKIM) sign(msg *gomail.Msg) error {
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		return fmt.Errorf("dkim: %w", err)
	}
	var signed bytes.Buffer
	opts := &dkim.SignOptions{Domain: d.Domain, Selector: d.Selector, Signer: d.Signer,
		HeaderKeys: signedHeaders, HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed}
	if err := dkim.Sign(&signed, bytes.NewReader(raw.Bytes()), opts); err != nil {
		return fmt.Errorf("dkim: %w", err)
	}
	header := strings.TrimSuffix(signed.String(), raw.String())
	value, ok := strings.CutPrefix(header, "DKIM-Signature:")
	if !ok || len(header) == signed.Len() {
		return errors.New("dkim: unexpected signer output")
	}
	msg.SetGenHeaderPreformatted("DKIM-Signature", strings.TrimSuffix(strings.TrimLeft(value, " "), "\r\n"))
	return nil
}
