package nitro

// Local is a connection-local variable: a value of type T that a package
// keeps on a Context for as long as the Context lives (the connection, or
// the first paint). Make one with NewLocal, in a package variable, as
// context.WithValue's keys are made, but typed:
//
//	var cart = nitro.NewLocal[*Cart]("shop.cart")
//	cart.Set(cx, c)
//	c, ok := cart.Get(cx)
//
// Like the Context, its values are for one goroutine at a time.
type Local[T any] struct{ name string }

// NewLocal returns a new Local; name is for reading: two never meet.
func NewLocal[T any](name string) *Local[T] { return &Local[T]{name: name} }

// String returns the Local's name.
func (k *Local[T]) String() string { return k.name }

type keyed struct {
	key any // a *Local[T]: compared by address
	v   any
}

// Get returns the value kept under k on cx, and whether there is one.
func (k *Local[T]) Get(cx *Context) (v T, ok bool) {
	for _, e := range cx.values {
		if e.key == any(k) {
			return e.v.(T), true
		}
	}
	return v, false
}

// Set keeps v under k on cx.
func (k *Local[T]) Set(cx *Context, v T) {
	for i, e := range cx.values {
		if e.key == any(k) {
			cx.values[i].v = v
			return
		}
	}
	cx.values = append(cx.values, keyed{k, v})
}

// Delete drops what k keeps on cx.
func (k *Local[T]) Delete(cx *Context) {
	for i, e := range cx.values {
		if e.key == any(k) {
			cx.values = append(cx.values[:i], cx.values[i+1:]...)
			return
		}
	}
}
