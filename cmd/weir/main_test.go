package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/weirdb/weir/bench"
)

func TestDemoShowsLiveViews(t *testing.T) {
	var out bytes.Buffer
	if err := demo(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	// After the last delete, story 1 has one vote and the author's renamed name.
	if !strings.Contains(s, "id=1 title=Weir 1.0 author=Alice votes=1") {
		t.Fatalf("demo output lacks the final story row:\n%s", s)
	}
}

func TestUnknownCommand(t *testing.T) {
	if err := run(context.Background(), []string{"nope"}); err == nil {
		t.Fatal("unknown command accepted")
	}
	if err := run(context.Background(), []string{"bench", "vote", "--no-such-flag"}); err == nil {
		t.Fatal("unknown flag accepted")
	}
}

func TestBenchVoteRuns(t *testing.T) {
	rep, err := bench.RunVote(context.Background(), bench.VoteConfig{Articles: 500, ReadShare: 0.9, Zipf: 1.08, Duration: 200 * time.Millisecond, Clients: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Reads == 0 || rep.Writes == 0 {
		t.Fatalf("no operations measured: %+v", rep)
	}
	var out bytes.Buffer
	rep.Print(&out)
	if !strings.Contains(out.String(), "read") || !strings.Contains(out.String(), "write") {
		t.Fatalf("report:\n%s", out.String())
	}
}

func TestParseBytes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1024", 1024, true}, {"64MiB", 64 << 20, true}, {"1.5GiB", 3 << 29, true}, {"10MB", 10e6, true},
		{"-1", -1, true}, {"2KiB", 2048, true}, {"lots", 0, false}, {"-5MiB", 0, false}, {"", 0, false},
	} {
		got, err := parseBytes(c.in)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("parseBytes(%q) = %d, %v; want %d (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestBenchVoteWithMemoryLimit(t *testing.T) {
	rep, err := bench.RunVote(context.Background(), bench.VoteConfig{Articles: 2000, ReadShare: 0.95, Zipf: 1.08,
		Duration: 300 * time.Millisecond, Clients: 2, MemoryLimit: 64 << 10, VotesPerArticle: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.MemoryLimit != 64<<10 || rep.Upqueries == 0 || rep.HitRate <= 0 || rep.HitRate >= 1 {
		t.Fatalf("limit %d, %d fills, hit rate %.3f", rep.MemoryLimit, rep.Upqueries, rep.HitRate)
	}
}
