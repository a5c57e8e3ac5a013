package weir

import (
	"testing"
	"time"
)

// TestFillTimerComesBackClean: a read-timeout timer given back to the pool, whether it fired
// and its tick was taken, fired and its tick was not, or was stopped in time, starts its next
// read without a tick pending, which would time that read out at once.
func TestFillTimerComesBackClean(t *testing.T) {
	for _, c := range []struct {
		name       string
		wait, take bool
	}{
		{"fired and taken", true, true},
		{"fired and not taken", true, false},
		{"stopped in time", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			timer := startFillTimer(time.Millisecond)
			if !c.wait {
				timer.Reset(time.Hour)
			}
			if c.wait {
				// Let the millisecond pass on the clock (the timer's own channel cannot
				// tell it without taking the tick).
				for start := time.Now(); time.Since(start) < 20*time.Millisecond; {
				}
			}
			if c.take {
				select {
				case <-timer.C:
				case <-time.After(10 * time.Second):
					t.Fatal("the timer never fired")
				}
			}
			stopFillTimer(timer)
			next := startFillTimer(time.Hour)
			defer stopFillTimer(next)
			select {
			case <-next.C:
				t.Fatal("a timer from the pool had a tick pending")
			default:
			}
		})
	}
}
