//go:build stress

package stress

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestConcurrentCreates creates, starts, uses and terminates 30 containers at once.
func TestConcurrentCreates(t *testing.T) {
	eachRuntime(t, func(t *testing.T, runtime string) {
		s := newService(t, runtime)
		c := s.dial()
		defer c.Close()
		const n = 30
		errs := make(chan error, n)
		var wg sync.WaitGroup
		for i := range n {
			id := fmt.Sprintf("c-%d", i)
			rw := s.writable(id)
			wg.Go(func() { errs <- lifecycle(ctx(t), c, id, rw) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
	})
}

// TestLifecycles runs 500 whole lives of a container (STRESS_LIFECYCLES changes the
// number), four at a time, with the first runtime.
func TestLifecycles(t *testing.T) {
	n := 500
	if env := os.Getenv("STRESS_LIFECYCLES"); env != "" {
		var err error
		if n, err = strconv.Atoi(env); err != nil {
			t.Fatalf("STRESS_LIFECYCLES: %v", err)
		}
	}
	s := newService(t, runtimes()[0])
	c := s.dial()
	defer c.Close()
	const workers = 4
	work := make(chan int)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	begin := time.Now()
	for range workers {
		wg.Go(func() {
			for i := range work {
				id := fmt.Sprintf("l-%d", i)
				errs <- lifecycle(ctx(t), c, id, s.writable(id))
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			if failed++; failed <= 10 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d lifecycles failed", failed, n)
	}
	t.Logf("%d lifecycles in %v", n, time.Since(begin).Round(time.Millisecond))
}
