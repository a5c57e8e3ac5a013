package bench

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// phase shows a benchmark phase of known length: a progress bar on a terminal, one line
// elsewhere (a log or a pipe has no use for a redrawn bar). done ends it.
func phase(w io.Writer, label string, d time.Duration) (done func()) {
	if w == nil {
		return func() {}
	}
	if f, ok := w.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(w, "%s (%s)...\n", label, d)
		return func() {}
	}
	total := max(int64(d/time.Millisecond), 1)
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionClearOnFinish(),
	)
	stop, finished := make(chan struct{}), make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				_ = bar.Finish()
				return
			case <-tick.C:
				_ = bar.Set64(min(int64(time.Since(start)/time.Millisecond), total))
			}
		}
	}()
	return func() {
		close(stop)
		<-finished
	}
}
