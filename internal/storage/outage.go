package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/referralhub/referralhub"
)

// outage turns err into an EUNAVAILABLE error (referralhub.Unavailable)
// when it says the database could not be reached or could not serve, so
// every face answers it 503 and the caller may try again; other errors are
// returned as they are. Every statement's error passes through it (exec,
// query, queryRow, the row loop, InTx and Ping).
func (q *Queries) outage(err error) error {
	err = outageOf(q.d, err)
	if q.down != nil && referralhub.ErrorCode(err) == referralhub.EUNAVAILABLE {
		q.down()
	}
	return err
}

func outageOf(d dialect, err error) error {
	var app *referralhub.Error
	if err == nil || errors.As(err, &app) || !unavailable(d, err) {
		return err
	}
	return referralhub.Unavailable(err)
}

// unavailable reports whether err is an outage rather than a statement the
// engine refused: a connection refused, reset or timed out, a pool or
// database that is closed, a deadline passed while waiting for the
// database, or one of the engine's own (dialect.unavailable). A cancelled
// context is the caller leaving, not an outage.
func unavailable(d dialect, err error) bool {
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.As(err, &netErr), strings.Contains(err.Error(), "sql: database is closed"):
		return true
	}
	return d.unavailable(err)
}

// Unavailable reports whether err says the database could not serve (see
// outage): writing again later may succeed.
func (db *DB) Unavailable(err error) bool {
	return referralhub.ErrorCode(err) == referralhub.EUNAVAILABLE || (err != nil && unavailable(db.dialect, err))
}

// Refused reports whether err says the database refused the data written:
// a value it cannot store or a broken constraint (such as a foreign key
// whose row was deleted). Writing the same rows again would fail again.
func (db *DB) Refused(err error) bool { return err != nil && db.dialect.refused(err) }
