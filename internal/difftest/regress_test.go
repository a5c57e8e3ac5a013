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
