package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync/atomic"

	"modernc.org/sqlite"
)

// QueryCounter counts the statements a store sends to the database (queries, executions, transactions begun).
// Tests use it to show that a page or an endpoint makes a fixed number of queries whatever the number of rows.
type QueryCounter struct{ n atomic.Int64 }

// Count returns the statements sent so far.
func (c *QueryCounter) Count() int64 { return c.n.Load() }

// Reset sets the count to zero.
func (c *QueryCounter) Reset() { c.n.Store(0) }

// OpenCounting opens a SQLite store (a file path or "sqlite:" DSN, as Open) whose every statement is counted.
// It is for tests and diagnostics; production opens stores with Open.
func OpenCounting(ctx context.Context, dsn string) (*Store, *QueryCounter, error) {
	st, err := openSQLite(dsn)
	if err != nil {
		return nil, nil, err
	}
	st.db.Close()
	c := &QueryCounter{}
	db := sql.OpenDB(countingConnector{dsn: st.conn, c: c})
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	st.db = db
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("store: connect: %w", err)
	}
	return st, c, nil
}

// countingConnector opens SQLite connections that count statements.
type countingConnector struct {
	dsn string
	c   *QueryCounter
}

func (k countingConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := (&sqlite.Driver{}).Open(k.dsn)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, c: k.c}, nil
}

func (k countingConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// countingConn forwards to the SQLite connection, counting what reaches the database.
type countingConn struct {
	driver.Conn
	c *QueryCounter
}

func (c *countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &countingStmt{Stmt: st, c: c.c}, nil
}

func (c *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	c.c.n.Add(1)
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *countingConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	c.c.n.Add(1)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (c *countingConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	c.c.n.Add(1)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (c *countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

type countingStmt struct {
	driver.Stmt
	c *QueryCounter
}

func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.n.Add(1)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.n.Add(1)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}
