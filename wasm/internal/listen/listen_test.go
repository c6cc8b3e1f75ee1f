package listen

import (
	"reflect"
	"testing"
)

func TestSetCallsInOrderAndRemoves(t *testing.T) {
	var s Set[int]
	var got []string
	s.Add(func(v int) { got = append(got, "a") })
	rm := s.Add(func(v int) { got = append(got, "b") })
	s.Add(func(v int) { got = append(got, "c"); s.Add(func(int) {}) }) // re-entrant
	s.Call(1)
	rm()
	s.Call(2)
	if want := []string{"a", "b", "c", "a", "c"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}
