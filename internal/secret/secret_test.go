package secret_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/palier/palier/internal/secret"
)

func TestSealOpens(t *testing.T) {
	b, err := secret.Load("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sealed := b.Seal("mot de passe é", "imap-password")
	if strings.Contains(sealed, "mot de passe") {
		t.Fatalf("sealed value shows the secret: %q", sealed)
	}
	if got, err := b.Open(sealed, "imap-password"); err != nil || got != "mot de passe é" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if one, two := b.Seal("x", "p"), b.Seal("x", "p"); one == two {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	for name, v := range map[string]string{
		"other purpose": sealed,
		"altered":       altered(sealed),
		"no version":    strings.TrimPrefix(sealed, "v1:"),
		"garbage":       "v1:%%%",
	} {
		purpose := "imap-password"
		if name == "other purpose" {
			purpose = "smtp-password"
		}
		if _, err := b.Open(v, purpose); !errors.Is(err, secret.ErrOpen) {
			t.Errorf("%s: Open err = %v, want ErrOpen", name, err)
		}
	}
}

func TestKeyFileIsCreatedPrivateAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	a, err := secret.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, secret.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, want 0600", info.Mode().Perm())
	}
	b, err := secret.Load("", dir) // a restart reads the same key
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Open(a.Seal("s", "p"), "p"); err != nil || got != "s" {
		t.Fatalf("the second load has another key: %q, %v", got, err)
	}
	other, _ := secret.Load("", t.TempDir())
	if _, err := other.Open(a.Seal("s", "p"), "p"); !errors.Is(err, secret.ErrOpen) {
		t.Fatalf("another key opened the value: %v", err)
	}
}

func TestEnvironmentKey(t *testing.T) {
	key := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	dir := t.TempDir()
	a, err := secret.Load(key, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, secret.KeyFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a key file was written although PALIER_SECRET_KEY is set: %v", err)
	}
	hexKey := "3031323334353637383961626364656630313233343536373839616263646566"
	b, err := secret.Load(hexKey, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b.Open(a.Seal("s", "p"), "p"); got != "s" {
		t.Fatal("the hex and base64 spellings of one key differ")
	}
	for _, bad := range []string{"short", "not base64 at all!!", base64.StdEncoding.EncodeToString(make([]byte, 16))} {
		if _, err := secret.Load(bad, dir); err == nil || !strings.Contains(err.Error(), "PALIER_SECRET_KEY") {
			t.Errorf("Load(%q) err = %v, want a PALIER_SECRET_KEY error", bad, err)
		}
	}
}

// altered is sealed with its last two characters changed: to "AA", or to
// "BB" when they are "AA" already (a seal ends so about once in 4,096,
// and the test then opened the seal unchanged).
func altered(sealed string) string {
	tail := "AA"
	if strings.HasSuffix(sealed, tail) {
		tail = "BB"
	}
	return sealed[:len(sealed)-2] + tail
}
