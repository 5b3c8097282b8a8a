package token_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestGolangJWTIsPatched holds the runtime, and so every generated service
// (the runtime's requirement is their floor), to golang-jwt v5.2.2 or newer:
// older v5 releases allocate without bound on a header full of dots
// (CVE-2025-30204).
func TestGolangJWTIsPatched(t *testing.T) {
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(gomod)) {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "github.com/golang-jwt/jwt/v5" {
			if !atLeast(fields[1], 5, 2, 2) {
				t.Fatalf("runtime/go.mod requires golang-jwt %s: need v5.2.2 or newer (CVE-2025-30204)", fields[1])
			}
			return
		}
	}
	t.Fatal("runtime/go.mod does not require github.com/golang-jwt/jwt/v5")
}

// atLeast compares a vMAJOR.MINOR.PATCH version; pre-release suffixes count
// as their release.
func atLeast(version string, want ...int) bool {
	parts := strings.SplitN(strings.TrimPrefix(version, "v"), ".", 3)
	for i, w := range want {
		if i >= len(parts) {
			return false
		}
		n, _ := strconv.Atoi(strings.FieldsFunc(parts[i], func(r rune) bool { return r == '-' || r == '+' })[0])
		if n != w {
			return n > w
		}
	}
	return true
}
