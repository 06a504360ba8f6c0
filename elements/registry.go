package elements

import (
	"github.com/nitrogo/framework/nitro"
)

// The rules of the inputs rendered in a page Context are kept on the
// Context (a nitro.Local), so that an element with a postback
// rendered later in the same Context seals the rules of its sources
// without repeating them. They live and go with the Context.
//
// A registry, like its Context, is used by one goroutine at a time.

// maxRules bounds the rules one Context keeps; past it, the rules of new
// ids are not kept (a warning is logged once), and only the Rules declared
// on a postback element are sealed for them.
const maxRules = 4096

type registry struct {
	// The rules by input id: in a short list while a page has few
	// validated inputs (most have one to a handful, and the registry
	// stays with every open page), in a map past smallRules.
	list   []idCheck
	checks map[string]check
	warned bool
}

type idCheck struct {
	id string
	c  check
}

// smallRules is the most rules kept in the list.
const smallRules = 16

func (r *registry) get(id string) (check, bool) {
	if r.checks != nil {
		c, ok := r.checks[id]
		return c, ok
	}
	for i := range r.list {
		if r.list[i].id == id {
			return r.list[i].c, true
		}
	}
	return check{}, false
}

func (r *registry) len() int {
	if r.checks != nil {
		return len(r.checks)
	}
	return len(r.list)
}

func (r *registry) set(id string, c check) {
	if r.checks != nil {
		r.checks[id] = c
		return
	}
	for i := range r.list {
		if r.list[i].id == id {
			r.list[i].c = c
			return
		}
	}
	if len(r.list) < smallRules {
		r.list = append(r.list, idCheck{id, c})
		return
	}
	r.checks = make(map[string]check, 2*smallRules)
	for _, e := range r.list {
		r.checks[e.id] = e.c
	}
	r.list = nil
	r.checks[id] = c
}

func (r *registry) del(id string) {
	if r.checks != nil {
		delete(r.checks, id)
		return
	}
	for i := range r.list {
		if r.list[i].id == id {
			r.list = append(r.list[:i], r.list[i+1:]...)
			return
		}
	}
}

// registries keeps a Context's registry.
var registries = nitro.NewLocal[*registry]("elements.registry")

// registryOf returns the registry of cx, creating it if create is set; nil
// if there is none.
func registryOf(cx *nitro.Context, create bool) *registry {
	if r, ok := registries.Get(cx); ok {
		return r
	}
	if !create {
		return nil
	}
	r := &registry{}
	registries.Set(cx, r)
	return r
}

// registry returns the render's registry, looking it up once per render.
func (o *out) registry(create bool) *registry {
	if o.reg != nil || (o.regDone && !create) {
		return o.reg
	}
	cx := o.nitro()
	if cx == nil {
		return nil
	}
	o.reg, o.regDone = registryOf(cx, create), true
	return o.reg
}

// register records the rule of input id for the postbacks rendered after
// it in the same Context. An input rendered again without a rule forgets
// its old one. Email and number fields always have a rule: their type.
func (o *out) register(id string, kind fieldKind, r Rule) {
	if id == "" || o.nitro() == nil {
		return
	}
	has := !r.zero() || kind == kindEmail || kind == kindNumber
	reg := o.registry(has)
	if reg == nil {
		return
	}
	if !has {
		reg.del(id)
		return
	}
	if _, ok := reg.get(id); !ok && reg.len() >= maxRules {
		if !reg.warned {
			reg.warned = true
			o.cx.Logger().Warn("elements: too many validated inputs in one page; the rules of new ones are not kept", "limit", maxRules, "id", id)
		}
		return
	}
	reg.set(id, newCheck(kind, r))
}
