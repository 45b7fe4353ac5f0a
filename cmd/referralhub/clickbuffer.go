package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/referralhub/referralhub/internal/clicks"
	"github.com/referralhub/referralhub/internal/config"
	"github.com/referralhub/referralhub/internal/storage"
)

// clickStore says where a process keeps the clicks it has not stored yet.
type clickStore bool

const (
	// clicksInMemory suits the commands that take no clicks.
	clicksInMemory clickStore = false
	// clicksSpooled keeps them on disk as well, under
	// REFERRALHUB_DATA_DIR/click-spool, until the database has them: serve.
	clicksSpooled clickStore = true
)

// clickSpoolDir is the spool's directory inside the data directory.
const clickSpoolDir = "click-spool"

// newClickBuffer builds the buffer that writes clicks to db: 50,000 held
// for the spool, as many for the database, batches of 10,000 written at
// least once a second. With clicksSpooled it opens the spool, whose
// leftovers it writes first.
func newClickBuffer(cfg config.Config, db *storage.DB, log *slog.Logger, where clickStore) (*clicks.Buffer, error) {
	bc := clicks.BufferConfig{Capacity: 50_000, BatchSize: 10_000, FlushInterval: time.Second, Refused: db.Refused}
	if where == clicksSpooled {
		spool, err := clicks.OpenSpool(clicks.SpoolConfig{Dir: filepath.Join(cfg.DataDir, clickSpoolDir),
			MaxBytes: cfg.ClickSpoolBytes}, log)
		if err != nil {
			return nil, fmt.Errorf("REFERRALHUB_DATA_DIR: %w", err)
		}
		bc.Spool = spool
	}
	return clicks.NewBuffer(bc, log, db.InsertClicks), nil
}
