package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"
	"go.uber.org/zap"
)

// FormatVersion is the version of Weir's layout of keys and values (see the package
// documentation) that this code reads and writes. It is recorded in every store on first open
// and checked on every later one.
const FormatVersion = 2

// oldestFormatVersion is the oldest layout this Weir reads. Version 2 added catalog records
// (databases, a registered query's database) and changed none: a version 1 store is
// marked version 2 when opened, so a Weir that cannot read those records refuses it
// plainly instead of finding keys it does not know.
const oldestFormatVersion = 1

// pebbleFormat pins pebble's own on-disk format instead of taking whatever a future pebble
// release makes the default. FormatWALSyncChunks (included here) records how far the log was
// synced, which lets recovery tell a torn tail after a crash from damage in the middle.
const pebbleFormat = pebble.FormatTableFormatV6

var (
	// ErrLocked reports that another process (or another Store in this one) has the
	// directory open.
	ErrLocked = errors.New("storage: directory is locked")
	// ErrFormat reports a store written in a layout this version of Weir does not read.
	ErrFormat = errors.New("storage: unsupported store format")
	// ErrCorrupt reports damaged data. Weir stops rather than serve rows it cannot trust.
	ErrCorrupt = errors.New("storage: store is corrupt")
	// ErrClosed reports use of a Store after Close.
	ErrClosed = errors.New("storage: store is closed")
)

const corruptAdvice = "restore from a backup or remove the directory to start empty; Weir will not serve from a damaged store"

// Options configures Open.
type Options struct {
	// Dir is the directory that holds the store; Open creates it if it is missing.
	Dir string
	// Sync is the durability policy of Commit (SyncAlways by default).
	Sync SyncMode
	// Interval is the fsync period under SyncInterval (DefaultSyncInterval if zero).
	Interval time.Duration
	// Logger receives pebble's log lines and the store's own; nil discards them.
	Logger *zap.Logger
}

// Store is a durable home for base tables: rows, the catalog and the write token. It is safe
// for concurrent use.
type Store struct {
	db    *pebble.DB
	lock  *pebble.Lock
	dir   string
	mode  SyncMode
	wopts *pebble.WriteOptions
	log   *zap.Logger

	// mu keeps Close from pulling the database out from under a commit: pebble panics on use
	// after close, and a store must return ErrClosed instead.
	mu     sync.RWMutex
	closed bool

	closeOnce sync.Once
	closeErr  error

	commits atomic.Uint64
	// failed holds the first corruption pebble reported from the background; once set,
	// commits fail with it.
	failed atomic.Pointer[error]
	// dirty says a commit happened since the interval loop last synced.
	dirty    atomic.Bool
	stopSync chan struct{}
	syncDone chan struct{}
	// onSync, when set, runs after each periodic sync; tests use it to wait for one without
	// sleeping.
	onSync atomic.Pointer[func()]
}

// Open opens the store in opts.Dir, creating it if needed.
//
// It fails with ErrLocked when another process holds the directory, ErrFormat when the
// directory holds something other than a store of FormatVersion, and ErrCorrupt when pebble
// finds damaged files while recovering.
func Open(opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, errors.New("storage: Options.Dir is empty")
	}
	switch opts.Sync {
	case SyncAlways, SyncNever:
	case SyncInterval:
		if opts.Interval < 0 {
			return nil, fmt.Errorf("storage: negative sync interval %v", opts.Interval)
		}
		if opts.Interval == 0 {
			opts.Interval = DefaultSyncInterval
		}
	default:
		return nil, fmt.Errorf("storage: unknown sync mode %d", int(opts.Sync))
	}
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	logger = logger.With(zap.String("store", opts.Dir))
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("storage: create %s: %w", opts.Dir, err)
	}

	// Taking the lock ourselves, before pebble opens anything, tells a busy directory apart
	// from every other failure and lets the error say what the operator should look for.
	lock, err := pebble.LockDirectory(opts.Dir, vfs.Default)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("storage: lock %s: %w", opts.Dir, err)
		}
		return nil, fmt.Errorf("storage: another Weir process is using %s (%v): %w", opts.Dir, err, ErrLocked)
	}

	s := &Store{lock: lock, dir: opts.Dir, mode: opts.Sync, log: logger}
	popts := &pebble.Options{
		FS:                 vfs.Default,
		Lock:               lock,
		Logger:             pebbleLogger{logger},
		FormatMajorVersion: pebbleFormat,
		EventListener: &pebble.EventListener{
			BackgroundError: func(err error) {
				logger.Error("pebble background error", zap.Error(err))
				if pebble.IsCorruptionError(err) {
					s.fail(err)
				}
			},
			DataCorruption: func(info pebble.DataCorruptionInfo) {
				logger.Error("pebble found corrupt data", zap.Stringer("info", info))
				s.fail(fmt.Errorf("%s", info))
			},
			WriteStallBegin: func(info pebble.WriteStallBeginInfo) {
				logger.Warn("writes stalled", zap.String("reason", info.Reason))
			},
			WriteStallEnd: func() { logger.Info("writes resumed") },
		},
	}
	db, err := pebble.Open(opts.Dir, popts)
	if err != nil {
		_ = lock.Close()
		return nil, classifyOpen(opts.Dir, err)
	}
	s.db = db
	if opts.Sync == SyncAlways {
		s.wopts = pebble.Sync
	} else {
		s.wopts = pebble.NoSync
	}
	if err := s.checkFormat(); err != nil {
		_ = db.Close()
		_ = lock.Close()
		return nil, err
	}
	// pebble creates the log it opens with before it raises a new store to pebbleFormat, so
	// that first log lacks the sync offsets that make damage in the middle of the log an error
	// instead of a silent end of replay. A flush starts a new log under the pinned format.
	if err := db.Flush(); err != nil {
		_ = db.Close()
		_ = lock.Close()
		return nil, classify("flush at open", err)
	}
	if opts.Sync == SyncInterval {
		s.stopSync = make(chan struct{})
		s.syncDone = make(chan struct{})
		go s.syncLoop(opts.Interval)
	}
	return s, nil
}

// checkFormat writes the format record into a new store and verifies it in an old one.
func (s *Store) checkFormat() error {
	v, closer, err := s.db.Get(keyFormat)
	switch {
	case errors.Is(err, pebble.ErrNotFound):
		empty, err := s.isEmpty()
		if err != nil {
			return err
		}
		if !empty {
			return fmt.Errorf("storage: %s holds data but no Weir format record; it was not written by Weir, "+
				"so point Weir at an empty or new directory: %w", s.dir, ErrFormat)
		}
		// Synced even under SyncNever: a store whose format record can vanish would look
		// foreign on the next open.
		if err := s.db.Set(keyFormat, binary.AppendUvarint(nil, FormatVersion), pebble.Sync); err != nil {
			return classify("write format record", err)
		}
		return nil
	case err != nil:
		return classify("read format record", err)
	}
	defer closer.Close()
	ver, n := binary.Uvarint(v)
	if n <= 0 || n != len(v) {
		return fmt.Errorf("storage: format record in %s is unreadable (%x): %s: %w", s.dir, v, corruptAdvice, ErrCorrupt)
	}
	if ver >= oldestFormatVersion && ver < FormatVersion {
		if err := s.db.Set(keyFormat, binary.AppendUvarint(nil, FormatVersion), pebble.Sync); err != nil {
			return classify("upgrade format record", err)
		}
		return nil
	}
	if ver != FormatVersion {
		return fmt.Errorf("storage: %s has store format version %d but this Weir reads version %d; "+
			"run a Weir release that reads version %d (or dump the data with one and load it into a new directory): %w",
			s.dir, ver, FormatVersion, ver, ErrFormat)
	}
	return nil
}

func (s *Store) isEmpty() (bool, error) {
	it, err := s.db.NewIter(nil)
	if err != nil {
		return false, classify("scan", err)
	}
	empty := !it.First()
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return false, classify("scan", err)
	}
	return empty, nil
}

// classify wraps a pebble error, marking corruption with ErrCorrupt and the advice that goes
// with it.
func classify(what string, err error) error {
	if pebble.IsCorruptionError(err) {
		return fmt.Errorf("storage: %s: %w: %s: %w", what, err, corruptAdvice, ErrCorrupt)
	}
	return fmt.Errorf("storage: %s: %w", what, err)
}

// classifyOpen wraps a failure of pebble's recovery. Besides checksum failures, a file the
// manifest names that is missing or of the wrong size, or a missing manifest, means the
// directory was damaged or copied in part; pebble reports those without marking them as
// corruption, so they are recognized here.
func classifyOpen(dir string, err error) error {
	if pebble.IsCorruptionError(err) || errors.Is(err, fs.ErrNotExist) || strings.Contains(err.Error(), "object size mismatch") {
		return fmt.Errorf("storage: open %s: %w: the directory is damaged or incomplete: %s: %w", dir, err, corruptAdvice, ErrCorrupt)
	}
	return fmt.Errorf("storage: open %s: %w", dir, err)
}

// fail records the first corruption found in the background.
func (s *Store) fail(err error) {
	e := fmt.Errorf("storage: %w: %s: %w", err, corruptAdvice, ErrCorrupt)
	s.failed.CompareAndSwap(nil, &e)
}

// Err reports the corruption pebble found in the background, if any. Once it is set every
// commit fails with it; the process should stop serving.
func (s *Store) Err() error {
	if p := s.failed.Load(); p != nil {
		return *p
	}
	return nil
}

// Close syncs the log, stops the background loop and closes the store. Commits still running
// finish first; later ones fail with ErrClosed. Waits returned by CommitAsync may be called
// after Close and report the outcome of their batch.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	if s.stopSync != nil {
		close(s.stopSync)
		<-s.syncDone
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	// Under SyncInterval and SyncNever the newest commits may be only in the page cache; a
	// clean shutdown should leave nothing to chance.
	syncErr := s.db.LogData(nil, pebble.Sync)
	err := errors.Join(syncErr, s.db.Close(), s.lock.Close())
	if err != nil {
		return classify("close", err)
	}
	return nil
}

// Commit applies b atomically and returns once it is durable as the sync mode promises: under
// SyncAlways the log holding it has been fsynced (commits from many goroutines at once share
// fsyncs: pebble's log writer syncs everything queued behind one fsync); under SyncInterval and
// SyncNever it is written to the operating system. An empty batch commits nothing.
func (s *Store) Commit(b *Batch) error {
	if len(b.ops) == 0 {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(); err != nil {
		return err
	}
	pb := s.db.NewBatchWithSize(len(b.buf) + 16*len(b.ops))
	defer pb.Close()
	if err := b.fill(pb); err != nil {
		return classify("commit", err)
	}
	if err := s.db.Apply(pb, s.wopts); err != nil {
		return classify("commit", err)
	}
	s.commits.Add(1)
	s.dirty.Store(true)
	return nil
}

// CommitAsync applies b atomically, as Commit does, but returns as soon as the batch is in the
// log and ordered, with a wait function that blocks until it is durable under the sync mode
// and reports the outcome. b may be reused as soon as CommitAsync returns. An error returned
// at once means the batch was not committed at all (the store is closed or failed, or the
// batch could not be encoded), so the caller can take back what it did in memory.
//
// This is how a single goroutine gets group commit: it hands over batch after batch without
// waiting for fsyncs, and each client waits on its own batch. Order is kept: the log is one
// sequence and an fsync makes a prefix of it durable, so a batch handed over later never
// becomes durable (or survives a crash) without every batch handed over before it.
//
// wait may be called from any goroutine, more than once, and after Close. A batch is durable
// whether or not anyone waits for it; not waiting only forgoes the news.
func (s *Store) CommitAsync(b *Batch) (wait func() error, err error) {
	if len(b.ops) == 0 {
		return committed, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	pb := s.db.NewBatchWithSize(len(b.buf) + 16*len(b.ops))
	if err := b.fill(pb); err != nil {
		pb.Close()
		return nil, classify("commit", err)
	}
	if s.mode != SyncAlways {
		err := s.db.Apply(pb, s.wopts)
		pb.Close()
		if err != nil {
			return nil, classify("commit", err)
		}
		s.commits.Add(1)
		s.dirty.Store(true)
		return committed, nil
	}
	// ApplyNoSyncWait puts the batch in the same commit pipeline as Apply with Sync, so it
	// joins the same shared fsyncs; only the waiting moves to the caller.
	if err := s.db.ApplyNoSyncWait(pb, pebble.Sync); err != nil {
		pb.Close()
		return nil, classify("commit", err)
	}
	s.commits.Add(1)
	return sync.OnceValue(func() error {
		err := pb.SyncWait()
		pb.Close()
		if err != nil {
			return classify("commit", err)
		}
		return nil
	}), nil
}

// committed is the wait of a batch that is already as durable as the sync mode makes it.
func committed() error { return nil }

// usable reports why the store cannot take a commit. The caller holds mu.
func (s *Store) usable() error {
	if s.closed {
		return ErrClosed
	}
	return s.Err()
}

// syncLoop fsyncs the log every interval under SyncInterval, when something was committed.
func (s *Store) syncLoop(interval time.Duration) {
	defer close(s.syncDone)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stopSync:
			return
		case <-t.C:
		}
		if !s.dirty.Swap(false) {
			continue
		}
		if err := s.syncNow(); err != nil {
			s.log.Error("periodic log sync failed", zap.Error(err))
		}
		if f := s.onSync.Load(); f != nil {
			(*f)()
		}
	}
}

// Sync forces everything committed so far to stable storage, whatever the sync mode.
func (s *Store) Sync() error {
	return s.syncNow()
}

func (s *Store) syncNow() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	// An empty log record written with Sync: its fsync covers every record before it. This is
	// how pebble users sync the log without writing data.
	if err := s.db.LogData(nil, pebble.Sync); err != nil {
		return classify("sync", err)
	}
	return nil
}
