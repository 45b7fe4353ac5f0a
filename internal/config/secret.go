package config

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// minSecretLen is the shortest secret key accepted.
const minSecretLen = 32

// secretFileName is where a development secret is kept inside DataDir.
const secretFileName = "secret_key"

// LoadSecret returns the secret key: from REFERRALHUB_SECRET_KEY, else from
// REFERRALHUB_SECRET_KEY_FILE, else (development only) from DataDir, where
// it is generated with mode 0600 on first run.
func (c Config) LoadSecret() ([]byte, error) {
	switch {
	case c.SecretKey != "":
		return checkSecret("REFERRALHUB_SECRET_KEY", c.SecretKey)
	case c.SecretKeyFile != "":
		b, err := os.ReadFile(c.SecretKeyFile)
		if err != nil {
			return nil, fmt.Errorf("REFERRALHUB_SECRET_KEY_FILE: %w", err)
		}
		return checkSecret("REFERRALHUB_SECRET_KEY_FILE", strings.TrimSpace(string(b)))
	case c.Production():
		return nil, errors.New("REFERRALHUB_SECRET_KEY: required when REFERRALHUB_ENV=production")
	}
	return devSecret(filepath.Join(c.DataDir, secretFileName))
}

func checkSecret(name, v string) ([]byte, error) {
	if len(v) < minSecretLen {
		return nil, fmt.Errorf("%s: must be at least %d characters", name, minSecretLen)
	}
	return []byte(v), nil
}

func devSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return checkSecret(path, strings.TrimSpace(string(b)))
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	secret := rand.Text() + rand.Text()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return devSecret(path) // another process made it first
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return []byte(secret), f.Close()
}
