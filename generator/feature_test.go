package generator

import (
	"slices"
	"strings"
	"testing"

	"github.com/authgen/authgen/templates"
)

// TestFeatureFragmentsHaveTheirSeams catches a fragment that would silently
// drop out of the documents: one of a feature that does not exist, or for
// a seam that no shared template opens (a typo in either name).
func TestFeatureFragmentsHaveTheirSeams(t *testing.T) {
	names := new(Model).FeatureNames()
	seams := templates.Seams()
	fragments := templates.Fragments()
	if len(fragments) == 0 || len(seams) == 0 {
		t.Fatalf("%d fragments, %d seams: the feature templates were not loaded", len(fragments), len(seams))
	}
	for _, fragment := range fragments {
		feature, seam, _ := strings.Cut(fragment, ":")
		if !slices.Contains(names, feature) {
			t.Errorf("fragment %q: no feature %q (features: %v)", fragment, feature, names)
		}
		if !slices.Contains(seams, seam) {
			t.Errorf("fragment %q: no shared template opens seam %q (seams: %v)", fragment, seam, seams)
		}
	}
}

// TestFeatureNamesAreDistinct: a fragment belongs to one feature.
func TestFeatureNamesAreDistinct(t *testing.T) {
	names := new(Model).FeatureNames()
	if sorted := slices.Compact(slices.Sorted(slices.Values(names))); len(sorted) != len(names) {
		t.Errorf("feature names repeat: %v", names)
	}
}
