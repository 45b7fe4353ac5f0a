package password

import (
	"context"
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h := NewHasher(OWASP(), 2)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q does not carry OWASP parameters", hash)
	}
	if ok, err := h.Verify(ctx, "correct horse", hash); !ok || err != nil {
		t.Fatalf("verify right password = %v, %v", ok, err)
	}
	if ok, _ := h.Verify(ctx, "wrong horse", hash); ok {
		t.Fatal("wrong password verified")
	}
	other, _ := h.Hash(ctx, "correct horse")
	if other == hash {
		t.Fatal("two hashes of one password share a salt")
	}
}

func TestVerifyUsesStoredParameters(t *testing.T) {
	cheap := NewHasher(Params{MemoryKiB: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 1)
	hash, _ := cheap.Hash(context.Background(), "pw")
	if ok, err := NewHasher(OWASP(), 1).Verify(context.Background(), "pw", hash); !ok || err != nil {
		t.Fatalf("verify with other defaults = %v, %v", ok, err)
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, bad := range []string{"", "$2a$10$abc", "$argon2id$v=19$m=x$a$b", "$argon2id$v=19$m=1,t=1,p=1$!!$!!"} {
		if _, err := NewHasher(OWASP(), 1).Verify(context.Background(), "pw", bad); err != ErrMalformed {
			t.Errorf("%q: err = %v, want ErrMalformed", bad, err)
		}
	}
}
