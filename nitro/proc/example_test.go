package proc_test

import (
	"context"
	"fmt"
	"time"

	"github.com/nitrogo/framework/nitro/proc"
)

func ExampleSupervisor() {
	var sup proc.Supervisor
	// A counter: casts add to it, calls read it.
	sup.Start("counter", func(ctx context.Context, inbox <-chan any) error {
		n := 0
		for {
			select {
			case <-ctx.Done():
				return nil
			case m := <-inbox:
				switch m := m.(type) {
				case int:
					n += m
				case *proc.Request:
					m.Reply(n)
				}
			}
		}
	})
	sup.Send("counter", 2)
	sup.Send("counter", 3)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := sup.Call(ctx, "counter", "get")
	fmt.Println(n, err, sup.List())

	sup.StopAll()
	fmt.Println(sup.List())
	// Output:
	// 5 <nil> [counter]
	// []
}
