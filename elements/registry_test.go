package elements

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestRegistryAgreesWithMap: the registry's list, and the map it turns
// into past smallRules, answer as a plain map would, through sets,
// replacements and deletes on either side of the switch.
func TestRegistryAgreesWithMap(t *testing.T) {
	for _, ids := range []int{1, smallRules, smallRules + 1, 3 * smallRules} {
		t.Run(strconv.Itoa(ids), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(ids)))
			var r registry
			want := map[string]check{}
			for step := range 2000 {
				id := "f" + strconv.Itoa(rng.IntN(ids))
				switch rng.IntN(3) {
				case 0, 1:
					c := check{maxLen: step}
					r.set(id, c)
					want[id] = c
				case 2:
					r.del(id)
					delete(want, id)
				}
				if r.len() != len(want) {
					t.Fatalf("step %d: len %d, want %d", step, r.len(), len(want))
				}
				for k := range ids {
					id := "f" + strconv.Itoa(k)
					got, ok := r.get(id)
					w, wok := want[id]
					if ok != wok || got != w {
						t.Fatalf("step %d: get(%s) = %v %v, want %v %v", step, id, got, ok, w, wok)
					}
				}
			}
		})
	}
}
