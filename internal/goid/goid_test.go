package goid

import "testing"

func TestCurrentDiffersBetweenGoroutines(t *testing.T) {
	here := Current()
	if here <= 0 {
		t.Fatalf("Current() = %d, want a positive id", here)
	}
	if again := Current(); again != here {
		t.Fatalf("Current() changed within one goroutine: %d then %d", here, again)
	}
	other := make(chan int64)
	go func() { other <- Current() }()
	if id := <-other; id == here || id <= 0 {
		t.Fatalf("other goroutine id = %d, this one %d", id, here)
	}
}
