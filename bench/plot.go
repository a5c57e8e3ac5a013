package bench

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// systemColors are the plots' colours per system, the same in every figure.
var systemColors = map[string]color.RGBA{
	"weir":        {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	"cache-aside": {R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	"postgres":    {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	"mariadb":     {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	"redis":       {R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
}

// Plot draws the write-to-visible distribution of both systems as cumulative curves: the
// share of all acknowledged writes that readers had seen within a given time. A curve that
// stays below 100% is writes no reader ever saw: keys left stale.
func (r *ConsistencyReport) Plot(path string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Write-to-visible time: Weir vs Redis cache-aside (%d counters, %d writers, %s)",
		r.Config.Keys, r.Config.Writers, r.Elapsed.Round(time.Second))
	p.X.Label.Text = "time from write acknowledged to first read showing it (ms, log scale)"
	p.Y.Label.Text = "writes seen by readers (% of all writes)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Min, p.Y.Max = 0, 100
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(10)
	p.Legend.YOffs = -vg.Points(10)
	p.Add(plotter.NewGrid())
	for _, name := range systemNames {
		s := r.Systems[name]
		if s == nil || s.Writes == 0 || len(s.Visible) == 0 {
			continue
		}
		pts := cdfPoints(s.Visible, s.Writes)
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color = systemColors[name]
		line.Width = vg.Points(2)
		p.Add(line)
		p.Legend.Add(fmt.Sprintf("%s: %d keys stale at the end; %d of %d writes never seen", name, s.PermanentlyStaleKeys,
			s.Writes-int64(len(s.Visible)), s.Writes), line)
	}
	return p.Save(9*vg.Inch, 5.5*vg.Inch, path)
}

// cdfPoints turns sorted durations into (ms, % of total) points, thinned to a few hundred.
func cdfPoints(sorted []time.Duration, total int64) plotter.XYs {
	step := max(1, len(sorted)/400)
	var pts plotter.XYs
	for i := 0; i < len(sorted); i += step {
		ms := math.Max(float64(sorted[i])/float64(time.Millisecond), 0.01)
		pts = append(pts, plotter.XY{X: ms, Y: 100 * float64(i+1) / float64(total)})
	}
	last := sorted[len(sorted)-1]
	pts = append(pts, plotter.XY{X: math.Max(float64(last)/float64(time.Millisecond), 0.01), Y: 100 * float64(len(sorted)) / float64(total)})
	return pts
}

// Plot draws read latency against offered load for every system of the sweep (--sweep):
// p99 solid, p50 dashed, on a log scale, so a system past its capacity shows as a curve
// that turns up.
func (r *CompareReport) Plot(path string) error {
	if !r.sweep {
		return fmt.Errorf("the plot needs the load sweep: run with --sweep")
	}
	p := plot.New()
	c := r.Config.Vote
	p.Title.Text = fmt.Sprintf("Vote workload: read latency against offered load (%d articles, %.0f%% reads, %d clients)", c.Articles, c.ReadShare*100, c.Clients)
	p.X.Label.Text = "offered load (operations/s, open loop)"
	p.X.Tick.Marker = wholeTicks{}
	p.Y.Label.Text = "read latency (ms, log scale): p99 solid, p50 dashed"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(10)
	p.Legend.YOffs = -vg.Points(10)
	p.Add(plotter.NewGrid())
	for _, name := range r.Order {
		s := r.Systems[name]
		if len(s.Sweep) == 0 {
			continue
		}
		var p99, p50 plotter.XYs
		for _, pt := range s.Sweep {
			p99 = append(p99, plotter.XY{X: pt.Offered, Y: math.Max(pt.P99/1000, 0.001)})
			p50 = append(p50, plotter.XY{X: pt.Offered, Y: math.Max(pt.P50/1000, 0.001)})
		}
		l99, s99, err := plotter.NewLinePoints(p99)
		if err != nil {
			return err
		}
		l50, err := plotter.NewLine(p50)
		if err != nil {
			return err
		}
		col := systemColors[name]
		l99.Color, s99.Color, l50.Color = col, col, col
		l99.Width = vg.Points(2)
		l50.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(l99, s99, l50)
		label := name
		if name == "redis" {
			label = "redis cache-aside"
		}
		p.Legend.Add(fmt.Sprintf("%s (closed-loop peak %.0f ops/s)", label, s.ReadsPerSec+s.WritesPerSec), l99, s99)
	}
	return p.Save(9*vg.Inch, 5.5*vg.Inch, path)
}

// wholeTicks are the default ticks labelled as whole numbers (operations per second have
// no useful decimals).
type wholeTicks struct{}

func (wholeTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = fmt.Sprintf("%.0f", ticks[i].Value)
		}
	}
	return ticks
}
