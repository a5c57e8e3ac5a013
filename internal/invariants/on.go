//go:build invariants

package invariants

// Enabled reports that the build has the invariants tag.
const Enabled = true
