package idtokentest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as a SHA-1 thumbprint (RFC 7515 section 4.1.7), not used for security.
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// keyBits is the RSA size GitHub's signing keys use.
const keyBits = 2048

// signer holds the RS256 key and the certificate GitHub publishes with it:
// the JWKS carries x5c and x5t, and every token header names kid and x5t.
type signer struct {
	key  *rsa.PrivateKey
	cert []byte // DER of a self-signed certificate for key
	kid  string
	x5t  string
}

// newSigner generates a key and a self-signed certificate for it, so x5t
// is a real thumbprint that OIDC libraries can check against x5c.
func newSigner() (*signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, keyBits)
	if err != nil {
		return nil, fmt.Errorf("generating signing key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("generating certificate serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "token.actions.githubusercontent.com"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("creating signing certificate: %w", err)
	}
	thumb := sha1.Sum(der) //nolint:gosec // see the import.
	return &signer{
		key:  key,
		cert: der,
		kid:  strings.ToUpper(hex.EncodeToString(thumb[:])),
		x5t:  base64.RawURLEncoding.EncodeToString(thumb[:]),
	}, nil
}

// jwtHeader is the JOSE header of every token, in GitHub's field set.
type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
	X5t string `json:"x5t"`
}

// sign returns the compact RS256 JWS of claims: PKCS #1 v1.5 over SHA-256
// of "header.payload" (RFC 7518 section 3.3).
func (sg *signer) sign(claims map[string]any) (string, error) {
	hdr, err := json.Marshal(jwtHeader{Alg: "RS256", Typ: "JWT", Kid: sg.kid, X5t: sg.x5t})
	if err != nil {
		return "", fmt.Errorf("encoding header: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encoding claims: %w", err)
	}
	input := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(payload)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, sg.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("signing token: %w", err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// jwk is one entry of the JWKS (RFC 7517), with the fields GitHub sends.
type jwk struct {
	Kty string   `json:"kty"`
	Alg string   `json:"alg"`
	Use string   `json:"use"`
	Kid string   `json:"kid"`
	N   string   `json:"n"`
	E   string   `json:"e"`
	X5c []string `json:"x5c"`
	X5t string   `json:"x5t"`
}

// jwk publishes the public key: n and e big-endian, base64url without
// padding (RFC 7518 section 6.3.1); x5c is standard base64 DER.
func (sg *signer) jwk() jwk {
	pub := sg.key.PublicKey
	return jwk{
		Kty: "RSA",
		Alg: "RS256",
		Use: "sig",
		Kid: sg.kid,
		N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		X5c: []string{base64.StdEncoding.EncodeToString(sg.cert)},
		X5t: sg.x5t,
	}
}

// Sign signs claims exactly as given, without the defaults or overrides, so
// tests can build expired, foreign-audience or otherwise odd tokens that
// still verify against the JWKS.
func (s *Server) Sign(claims map[string]any) (string, error) {
	return s.signer.sign(claims)
}
