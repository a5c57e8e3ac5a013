package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/weirdb/weir"
)

// VoteSchema creates the vote workload's tables.
var VoteSchema = []string{
	"CREATE TABLE articles (id INT PRIMARY KEY, title VARCHAR(64) NOT NULL)",
	"CREATE TABLE votes (article_id INT NOT NULL, user_id INT NOT NULL)",
}

// VoteQuery is an article with its vote count, by id: a join over a COUNT, as in Noria's
// evaluation.
const VoteQuery = `SELECT a.id, a.title, vc.votes
FROM articles a LEFT JOIN (SELECT article_id, COUNT(user_id) AS votes FROM votes GROUP BY article_id) vc
     ON vc.article_id = a.id
WHERE a.id = ?`

// VoteQueryGrouped is the vote query as applications most often write it: the join
// grouped by the article's id and title. Grouping by the primary key and the columns it
// determines groups by the key alone, so its state is as partial as VoteQuery's.
const VoteQueryGrouped = `SELECT a.id, a.title, COUNT(v.user_id) AS votes
FROM articles a LEFT JOIN votes v ON v.article_id = a.id
WHERE a.id = ? GROUP BY a.id, a.title`

// SetupVote creates the schema in e, registers the vote query as "article_votes" and
// inserts `articles` articles, in batches.
func SetupVote(ctx context.Context, e *weir.Engine, articles int) (*weir.View, weir.Token, error) {
	return SetupVoteQuery(ctx, e, articles, VoteQuery)
}

// SetupVoteQuery is SetupVote with another form of the vote query (VoteQueryGrouped).
func SetupVoteQuery(ctx context.Context, e *weir.Engine, articles int, query string) (*weir.View, weir.Token, error) {
	for _, ddl := range VoteSchema {
		if _, err := e.Exec(ctx, ddl); err != nil {
			return nil, 0, err
		}
	}
	v, err := e.Register(ctx, "article_votes", query)
	if err != nil {
		return nil, 0, err
	}
	const batch = 1000
	stmt := InsertStatement("articles", 2, batch)
	args := make([]any, 0, 2*batch)
	var tok weir.Token
	for id := 1; id <= articles; id++ {
		args = append(args, id, fmt.Sprintf("Article #%d", id))
		if len(args) == 2*batch || id == articles {
			sql := stmt
			if len(args) < 2*batch {
				sql = InsertStatement("articles", 2, len(args)/2)
			}
			res, err := e.Exec(ctx, sql, args...)
			if err != nil {
				return nil, 0, err
			}
			tok = res.Token
			args = args[:0]
		}
	}
	return v, tok, nil
}

// InsertStatement returns `INSERT INTO table VALUES (?, …), …` with rows tuples of cols
// placeholders: one statement text per batch size, so its plan is parsed once.
func InsertStatement(table string, cols, rows int) string {
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString(" VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tuple)
	}
	return b.String()
}

// distribution names a key distribution as NewKeyGen reads its exponent.
func distribution(exponent float64) string {
	if exponent > 1 {
		return fmt.Sprintf("zipf %.2f", exponent)
	}
	return "uniform"
}

// KeyGen draws article ids in [1, n] from a uniform or Zipf distribution.
type KeyGen struct {
	n    uint64
	zipf *rand.Zipf
	rng  *rand.Rand
}

// NewKeyGen returns a generator over [1, n]; exponent > 1 selects Zipf with that exponent
// (the vote workload uses 1.08), anything else uniform. Popular keys are scattered over
// the id space rather than being the smallest ids.
func NewKeyGen(n int, exponent float64, seed uint64) *KeyGen {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	g := &KeyGen{n: uint64(n), rng: rng}
	if exponent > 1 {
		g.zipf = rand.NewZipf(rng, exponent, 1, uint64(n-1))
	}
	return g
}

// Next returns the next key.
func (g *KeyGen) Next() int {
	if g.zipf == nil {
		return int(g.rng.Uint64N(g.n)) + 1
	}
	rank := g.zipf.Uint64()
	// A fixed permutation (multiplication by an odd constant modulo n is a bijection when
	// gcd(c, n) = 1; fall back to identity otherwise) so hot keys are not all adjacent.
	const c = 0x9E3779B1
	if gcdU(c, g.n) == 1 {
		rank = (rank * c) % g.n
	}
	return int(rank) + 1
}

func gcdU(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
