package binlog

import (
	"io"

	"github.com/schollz/progressbar/v3"
)

// progress is the console bar of the initial copy; nil when there is no console.
type progress struct {
	bar *progressbar.ProgressBar
}

func newProgress(w io.Writer, total int64) *progress {
	if w == nil {
		return nil
	}
	return &progress{bar: progressbar.NewOptions64(max(total, 1),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("copying upstream rows"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	)}
}

func (p *progress) add(n int64) {
	if p == nil {
		return
	}
	// The total is the planner's estimate: let the bar grow rather than overflow.
	if st := p.bar.State(); st.CurrentNum+n > st.Max {
		p.bar.ChangeMax64(st.CurrentNum + n)
	}
	_ = p.bar.Add64(n)
}

func (p *progress) done() {
	if p == nil {
		return
	}
	_ = p.bar.Finish()
}
