package clicks

import (
	"context"
	"time"

	"github.com/referralhub/referralhub/internal/storage"
)

// StoredSalts is the SaltLoader over db's ip_salts table, which every
// instance shares: it reads from the read pool, and creates on the writer,
// stamping a new salt with now.
func StoredSalts(db *storage.DB, now func() time.Time) SaltLoader {
	return func(ctx context.Context, epoch int64, create bool) ([]byte, bool, error) {
		if create {
			salt, err := db.Write().EnsureIPSalt(ctx, epoch, newSalt(), now())
			return salt, err == nil, err
		}
		return db.Read().IPSalt(ctx, epoch)
	}
}
