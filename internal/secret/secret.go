// Package secret seals the secrets Palier must keep to use them again
// (an IMAP mailbox's password, an SMTP relay's) with a server key, so a
// copy of the database alone does not give them away.
//
// The key is 32 bytes for AES-256-GCM: PALIER_SECRET_KEY (base64 or hex),
// else a key file in the data directory, created with mode 0600 on first
// use. Losing the key makes the sealed secrets unreadable (they are typed
// again in the admin page); it never makes Palier fail to start.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the name of the generated key in the data directory.
const KeyFile = "secret.key"

// version prefixes a sealed value so the format can change later.
const version = "v1:"

// ErrOpen reports a sealed value that this key cannot open: sealed with
// another key, or altered.
var ErrOpen = errors.New("secret: this value cannot be opened with the server key (was the key changed?)")

// Box seals and opens secrets with one key. It is safe for concurrent use.
type Box struct{ aead cipher.AEAD }

// New returns a box over a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret: the key must be 32 bytes, not %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// ParseKey reads a key written as base64 (standard or URL, padded or not)
// or as 64 hex digits.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New("the secret key must be 32 random bytes written in base64 or hex (make one with: openssl rand -base64 32)")
}

// Load returns the server's box: from envKey when set (PALIER_SECRET_KEY),
// else from the key file in dataDir, which it creates (0600) when absent.
func Load(envKey, dataDir string) (*Box, error) {
	if strings.TrimSpace(envKey) != "" {
		key, err := ParseKey(envKey)
		if err != nil {
			return nil, fmt.Errorf("PALIER_SECRET_KEY: %w", err)
		}
		return New(key)
	}
	path := filepath.Join(dataDir, KeyFile)
	key, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return New(key)
}

func readKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// createKeyFile writes a new random key. O_EXCL makes two instances
// starting at once on one data directory agree: the loser reads the
// winner's key.
func createKeyFile(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("secret key: write %s: %w", path, err)
	}
	return key, nil
}

// Seal encrypts plaintext. purpose (e.g. "imap-password") is bound to the
// result: a value sealed for one use does not open for another.
func (b *Box) Seal(plaintext, purpose string) string {
	nonce := make([]byte, b.aead.NonceSize())
	_, _ = rand.Read(nonce)
	out := b.aead.Seal(nonce, nonce, []byte(plaintext), []byte(purpose))
	return version + base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value Seal returned for the same purpose.
func (b *Box) Open(sealed, purpose string) (string, error) {
	rest, ok := strings.CutPrefix(sealed, version)
	if !ok {
		return "", ErrOpen
	}
	raw, err := base64.RawStdEncoding.DecodeString(rest)
	n := b.aead.NonceSize()
	if err != nil || len(raw) < n {
		return "", ErrOpen
	}
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}
