// Package copyprogress is the console bar both upstream streams (PostgreSQL's logical
// replication and MySQL's binlog) show while they copy the upstream's rows. It only
// draws: it never decides what is copied or when.
package copyprogress

import (
	"io"

	"github.com/schollz/progressbar/v3"
)

// Bar is the console bar of an initial copy; nil when there is no console, and every
// method of a nil Bar does nothing.
type Bar struct {
	bar *progressbar.ProgressBar
}

// New returns a bar for about total rows drawn on w, or nil when w is nil.
func New(w io.Writer, total int64) *Bar {
	if w == nil {
		return nil
	}
	return &Bar{bar: progressbar.NewOptions64(max(total, 1),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("copying upstream rows"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)}
}

// Add counts n more rows copied.
func (p *Bar) Add(n int64) {
	if p == nil {
		return
	}
	// The total is the planner's estimate: let the bar grow rather than overflow.
	if st := p.bar.State(); st.CurrentNum+n > st.Max {
		p.bar.ChangeMax64(st.CurrentNum + n)
	}
	_ = p.bar.Add64(n)
}

// Done clears the bar.
func (p *Bar) Done() {
	if p == nil {
		return
	}
	_ = p.bar.Finish()
}
