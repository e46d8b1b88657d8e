package queue

import (
	"sync"
	"testing"
)

func TestQueueOrderAndClose(t *testing.T) {
	q := New[int]()
	for i := range 100 {
		q.Put(i)
	}
	for i := range 50 {
		if v, ok := q.Get(nil); !ok || v != i {
			t.Fatalf("Get = %d, %v; want %d", v, ok, i)
		}
	}
	if left := q.Close(); len(left) != 50 || left[0] != 50 {
		t.Fatalf("Close returned %d items starting %v", len(left), left)
	}
	if q.Put(1) {
		t.Fatal("Put on a closed queue succeeded")
	}
	if _, ok := q.Get(nil); ok {
		t.Fatal("Get on a closed queue succeeded")
	}
}

func TestQueueConcurrentProducers(t *testing.T) {
	q := New[int]()
	var wg sync.WaitGroup
	for p := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 1000 {
				q.Put(p*1000 + i)
			}
		}()
	}
	last := make([]int, 8)
	for i := range last {
		last[i] = -1
	}
	for range 8000 {
		v, ok := q.Get(nil)
		if !ok {
			t.Fatal("queue closed")
		}
		p, i := v/1000, v%1000
		if i <= last[p] {
			t.Fatalf("producer %d: %d after %d", p, i, last[p])
		}
		last[p] = i
	}
	wg.Wait()
}

func TestQueueGetDone(t *testing.T) {
	q := New[int]()
	done := make(chan struct{})
	close(done)
	if _, ok := q.Get(done); ok {
		t.Fatal("Get on an empty queue returned an item")
	}
}
