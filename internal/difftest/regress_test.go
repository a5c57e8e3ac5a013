package difftest

import "testing"

// Regression scenarios: each file in testdata/regress is one bug class, a plain SQL script
// whose lookups must agree with the reference evaluation and with the rows the file pins.

func TestRegressionLeftJoinLastMatchRetraction(t *testing.T) {
	runScenarioFile(t, "regress/left_join_last_match_retraction.txt")
}

func TestRegressionExtremumRetraction(t *testing.T) {
	runScenarioFile(t, "regress/extremum_retraction.txt")
}

func TestRegressionTopKRefill(t *testing.T) {
	runScenarioFile(t, "regress/topk_refill.txt")
}

func TestRegressionScalarAggregateEmptyKey(t *testing.T) {
	runScenarioFile(t, "regress/scalar_aggregate_empty_key.txt")
}

func TestRegressionWriteSemantics(t *testing.T) {
	runScenarioFile(t, "regress/write_semantics.txt")
}

func TestRegressionScalarAggregateNullKey(t *testing.T) {
	runScenarioFile(t, "regress/scalar_aggregate_null_key.txt")
}

// Partial state (readers and the operator state above them):

func TestRegressionPartialMinMaxLosesExtreme(t *testing.T) {
	runScenarioFile(t, "regress/partial_minmax_extreme.txt")
}

func TestRegressionPartialTopKShrinksBelowK(t *testing.T) {
	runScenarioFile(t, "regress/partial_topk_shrink.txt")
}

func TestRegressionPartialJoinOtherSideHole(t *testing.T) {
	runScenarioFile(t, "regress/partial_join_hole.txt")
}

func TestRegressionPartialUnionReplay(t *testing.T) {
	runScenarioFile(t, "regress/partial_union_replay.txt")
}
